from victims.domain.vocabulary import Role


def test_vlo_signs_in_and_sees_caseload(web, make):
    vlo = make.user(Role.VLO)
    make.case(vlo=vlo, offender_last_name="Smithers")
    page = web(vlo).get("/cases/mine")
    assert "Smithers" in page
