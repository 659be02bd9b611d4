"""The built-in letter templates (version 1 of each), in English and Welsh (SPEC §6).

Every template is: an "opening" (free), one to four body sections (mostly free: the victim
liaison officer edits them), the locked "If the offender contacts you" section for initial-contact
and pre-release letters, the locked privacy notice "your_information", and the locked "sign_off".

How the text is written here:

- `_section(key, heading, *paragraphs)`: each paragraph is one string (long ones are split with
  implicit concatenation). Paragraphs are joined by a blank line, except a bullet ("- ...") which
  goes on the next line of the paragraph before it, so an introduction and its list stay together.
- Placeholders are those of `victims.domain.letters.PLACEHOLDERS`. A letter gives the month of
  release (((release_month))), never the day, the prison or the release address.
- Text in [square brackets] is for the victim liaison officer to replace with the facts of the
  case before the letter is checked.
- Welsh pronouns follow the (masculine) noun "y troseddwr", not the offender's sex; sentences
  about ((offender_name)) are worded so that they need no pronoun.
"""

from __future__ import annotations

from typing import NamedTuple

from victims.domain.letters import NEEDS_UNWANTED_CONTACT, UNWANTED_CONTACT, LetterType, Section

LANGUAGES = ("en", "cy")


def _join(paragraphs: tuple[str, ...]) -> str:
    text = ""
    for paragraph in paragraphs:
        if text:
            text += "\n" if paragraph.startswith("- ") else "\n\n"
        text += paragraph
    return text


def _section(key: str, heading: str, *paragraphs: str, locked: bool = False) -> Section:
    return Section(key=key, heading=heading, body=_join(paragraphs), locked=locked)


def _locked(key: str, heading: str, *paragraphs: str) -> Section:
    return _section(key, heading, *paragraphs, locked=True)


def _opening(language: str, *paragraphs: str) -> Section:
    return _section("opening", _OPENING_HEADING[language], *paragraphs)


_OPENING_HEADING = {"en": "Opening", "cy": "Agoriad"}


# -- the locked sections, the same in every template of a language ------------------------------------

_UNWANTED_CONTACT_SECTIONS = {
    "en": _locked(
        UNWANTED_CONTACT,
        "If the offender contacts you",
        "If ((offender_name)) contacts you and you do not want this, you can get help. This includes "
        "letters, phone calls, messages, social media and contact through other people.",
        "- If you are in immediate danger, call 999. Otherwise, report it to the police on 101.",
        "- While ((offender_name)) is in prison, you can contact the Unwanted Prisoner Contact Service "
        "on 0300 060 6699 or at victim.helpline@justice.gov.uk. It can block letters, calls and messages "
        "from the offender.",
        "- After release, ((offender_name)) will be on licence. A licence is a set of rules the offender "
        "must follow in the community. Contacting you may break the rules of their licence. If it does, "
        "they can be recalled to prison. Recall means they are sent back to prison.",
        "- Tell me as well. I am ((vlo_name)), your Victim Liaison Officer. You can call me on "
        "((vlo_phone)) or email me at ((vlo_email)).",
        "- You may be able to apply for a restraining order or a non-molestation order. These are court "
        "orders that ban the offender from contacting you. Breaking one is a crime. The police, a "
        "solicitor or a domestic abuse service can help you apply. For example, call the National "
        "Domestic Abuse Helpline on 0808 2000 247, or in Wales Live Fear Free on 0808 80 10 800.",
        "Keep a record of any contact: write down what happened and when, and keep any letters or messages.",
    ),
    "cy": _locked(
        UNWANTED_CONTACT,
        "Os bydd y troseddwr yn cysylltu â chi",
        "Os bydd ((offender_name)) yn cysylltu â chi a chithau ddim eisiau hynny, gallwch gael help. "
        "Mae hyn yn cynnwys llythyrau, galwadau ffôn, negeseuon, y cyfryngau cymdeithasol a chyswllt "
        "drwy bobl eraill.",
        "- Os ydych mewn perygl uniongyrchol, ffoniwch 999. Fel arall, rhowch wybod i’r heddlu ar 101.",
        "- Tra bydd ((offender_name)) yn y carchar, gallwch gysylltu â’r Gwasanaeth Cyswllt Digroeso gan "
        "Garcharorion (Unwanted Prisoner Contact Service) ar 0300 060 6699 neu drwy e-bostio "
        "victim.helpline@justice.gov.uk. Gall y gwasanaeth rwystro llythyrau, galwadau a negeseuon gan "
        "y troseddwr.",
        "- Ar ôl gadael y carchar, bydd ((offender_name)) ar drwydded. Trwydded yw set o reolau y mae’n "
        "rhaid i’r troseddwr eu dilyn yn y gymuned. Gall cysylltu â chi dorri amodau trwydded y "
        "troseddwr. Os felly, gellir ei anfon yn ôl i’r carchar. Adalw yw’r enw ar hyn.",
        "- Rhowch wybod i mi hefyd. ((vlo_name)) ydw i, eich Swyddog Cyswllt Dioddefwyr. Gallwch fy "
        "ffonio ar ((vlo_phone)) neu anfon e-bost at ((vlo_email)).",
        "- Efallai y gallwch wneud cais am orchymyn llys i’ch diogelu. Mae dau fath: gorchymyn atal "
        "(restraining order) a gorchymyn rhag molestu (non-molestation order). Mae’r ddau yn gwahardd y "
        "troseddwr rhag cysylltu â chi, ac mae torri gorchymyn yn drosedd. Gall yr heddlu, cyfreithiwr "
        "neu wasanaeth cam-drin domestig eich helpu i wneud cais. Er enghraifft, ffoniwch Byw Heb Ofn "
        "ar 0808 80 10 800 (yn Gymraeg neu’n Saesneg), neu’r Llinell Gymorth Genedlaethol ar gyfer "
        "Cam-drin Domestig ar 0808 2000 247.",
        "Cadwch gofnod o unrhyw gyswllt: nodwch beth ddigwyddodd a phryd, a chadwch unrhyw lythyrau neu "
        "negeseuon.",
    ),
}

_YOUR_INFORMATION = {
    "en": _locked(
        "your_information",
        "How we use your information",
        "The Probation Service keeps your details for one reason only: to keep you informed under the "
        "Victim Contact Scheme. We never give your address or contact details to the offender.",
        "If you want to stop getting letters, or change how we contact you, contact me on ((vlo_phone)) "
        "or at ((vlo_email)). You can also ask to see the information we hold about you.",
    ),
    "cy": _locked(
        "your_information",
        "Sut rydym yn defnyddio eich gwybodaeth",
        "Mae’r Gwasanaeth Prawf yn cadw eich manylion at un diben yn unig: rhoi’r wybodaeth ddiweddaraf "
        "i chi o dan y Cynllun Cyswllt â Dioddefwyr. Ni fyddwn byth yn rhoi eich cyfeiriad na’ch "
        "manylion cyswllt i’r troseddwr.",
        "Os ydych am roi’r gorau i gael llythyrau, neu newid sut rydym yn cysylltu â chi, cysylltwch â "
        "mi ar ((vlo_phone)) neu drwy e-bostio ((vlo_email)). Gallwch hefyd ofyn am gael gweld yr "
        "wybodaeth sydd gennym amdanoch.",
        "Rydym yn croesawu gohebiaeth yn Gymraeg a byddwn yn ateb yn Gymraeg.",
    ),
}

_SIGN_OFF = {
    "en": _locked(
        "sign_off",
        "Sign-off",
        "Yours sincerely,",
        "((vlo_name))\nVictim Liaison Officer\n((unit_name))\nTelephone: ((vlo_phone))\nEmail: ((vlo_email))",
    ),
    "cy": _locked(
        "sign_off",
        "Cloi",
        "Yn gywir,",
        "((vlo_name))\nSwyddog Cyswllt Dioddefwyr\n((unit_name))\nFfôn: ((vlo_phone))\nE-bost: ((vlo_email))",
    ),
}

# Support services named in more than one letter.
_SUPPORT = {
    "en": _section(
        "support",
        "Support for you",
        "You can still get free support whenever you need it:",
        "- Victim Support: call 0808 1689 111 (open 24 hours a day) or visit www.victimsupport.org.uk",
        "- Samaritans: call 116 123 (open 24 hours a day)",
        "[Add any local support services that could help.]",
    ),
    "cy": _section(
        "support",
        "Cymorth i chi",
        "Gallwch gael cymorth am ddim o hyd, pryd bynnag y bydd ei angen arnoch:",
        "- Cymorth i Ddioddefwyr (Victim Support): ffoniwch 0808 1689 111 (ar agor 24 awr y dydd) neu "
        "ewch i www.victimsupport.org.uk. Yng Nghymru, gallwch ofyn am gymorth yn Gymraeg",
        "- Y Samariaid: ffoniwch 116 123 (ar agor 24 awr y dydd), neu 0808 164 0123 i siarad â rhywun "
        "yn Gymraeg",
        "[Ychwanegwch unrhyw wasanaethau cymorth lleol a allai helpu.]",
    ),
}


class _Template(NamedTuple):
    title: str
    opening: Section
    body: tuple[Section, ...]


# -- the templates, English then Welsh for each type ---------------------------------------------------

_TEMPLATES: dict[tuple[LetterType, str], _Template] = {
    # -- initial contact ---------------------------------------------------------------------------
    (LetterType.INITIAL_CONTACT, "en"): _Template(
        "Information about the Victim Contact Scheme",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "My name is ((vlo_name)). I am a Victim Liaison Officer with the Probation Service. I am "
            "writing because ((offender_name)) has been sentenced for an offence against you or a member "
            "of your family. [Give the offence and the sentence.]",
            "I know this letter may be difficult to read. It explains the Victim Contact Scheme and how "
            "it can help you. You do not have to do anything now if you are not ready.",
        ),
        (
            _section(
                "about_the_scheme",
                "What the Victim Contact Scheme is",
                "The Victim Contact Scheme is free. The Probation Service runs it for victims of serious "
                "crimes and their families. You do not have to join.",
                "As your Victim Liaison Officer, I can keep you informed about ((offender_name))’s "
                "sentence. I can also pass on your views and worries about release to the people who "
                "manage the offender. I do not work for the offender.",
            ),
            _section(
                "what_you_can_be_told",
                "What you can be told",
                "If you join the scheme, I can tell you about:",
                "- key stages of the sentence, for example a move to an open prison, a parole review or "
                "a temporary release",
                "- the month when ((offender_name)) is expected to be released",
                "- the licence conditions ((offender_name)) must follow after leaving prison",
                "A licence is a set of rules an offender must follow after leaving prison. Before "
                "release, you can ask for licence conditions that protect you. For example, you can ask "
                "that the offender must not contact you, or must not go into an area where you live or "
                "work.",
                "We cannot tell you the exact date of release, which prison the offender is in, or where "
                "they will live.",
            ),
            _section(
                "choosing_contact",
                "Choosing how much contact you want",
                "You can choose how much you hear from me:",
                "- key stages: I will write to you at every important stage of the sentence",
                "- once a year: I will write to you once a year, and before release",
                "- month of release only: I will tell you only the month of release, and about licence "
                "conditions",
                "You can also choose not to join. You can change your mind, or opt out, at any time.",
                "Please contact me on ((vlo_phone)) or at ((vlo_email)) to tell me what you would like. "
                "You can also ask for letters in Welsh, in large print or by email.",
            ),
        ),
    ),
    (LetterType.INITIAL_CONTACT, "cy"): _Template(
        "Gwybodaeth am y Cynllun Cyswllt â Dioddefwyr",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "((vlo_name)) ydw i, Swyddog Cyswllt Dioddefwyr gyda’r Gwasanaeth Prawf. Rwy’n ysgrifennu "
            "atoch oherwydd bod ((offender_name)) wedi cael dedfryd am drosedd yn eich erbyn chi neu yn "
            "erbyn aelod o’ch teulu. [Nodwch y drosedd a’r ddedfryd.]",
            "Rwy’n gwybod y gallai’r llythyr hwn fod yn anodd ei ddarllen. Mae’n esbonio’r Cynllun "
            "Cyswllt â Dioddefwyr a sut y gall eich helpu. Nid oes rhaid i chi wneud dim byd nawr os nad "
            "ydych yn barod.",
        ),
        (
            _section(
                "about_the_scheme",
                "Beth yw’r Cynllun Cyswllt â Dioddefwyr",
                "Mae’r Cynllun Cyswllt â Dioddefwyr am ddim. Mae’r Gwasanaeth Prawf yn ei gynnal ar "
                "gyfer dioddefwyr troseddau difrifol a’u teuluoedd. Nid oes rhaid i chi ymuno.",
                "Fel eich Swyddog Cyswllt Dioddefwyr, gallaf roi’r wybodaeth ddiweddaraf i chi am "
                "ddedfryd ((offender_name)). Gallaf hefyd rannu eich barn a’ch pryderon am y rhyddhau "
                "â’r bobl sy’n rheoli’r troseddwr. Nid wyf yn gweithio i’r troseddwr.",
            ),
            _section(
                "what_you_can_be_told",
                "Beth y gallwch gael gwybod",
                "Os byddwch yn ymuno â’r cynllun, gallaf ddweud wrthych am:",
                "- gamau allweddol y ddedfryd, er enghraifft symud i garchar agored, adolygiad parôl neu "
                "ryddhau dros dro",
                "- y mis y disgwylir rhyddhau ((offender_name))",
                "- yr amodau trwydded y bydd rhaid i ((offender_name)) eu dilyn ar ôl gadael y carchar",
                "Trwydded yw set o reolau y mae’n rhaid i droseddwr eu dilyn ar ôl gadael y carchar. Cyn "
                "y rhyddhau, gallwch ofyn am amodau trwydded sy’n eich diogelu chi. Er enghraifft, "
                "gallwch ofyn na chaiff y troseddwr gysylltu â chi, na mynd i ardal lle rydych yn byw "
                "neu’n gweithio.",
                "Ni allwn ddweud wrthych beth yw union ddyddiad y rhyddhau, ym mha garchar y mae’r "
                "troseddwr, na lle bydd yn byw.",
            ),
            _section(
                "choosing_contact",
                "Dewis faint o gyswllt rydych ei eisiau",
                "Gallwch ddewis faint o wybodaeth rydych yn ei chael gennyf:",
                "- camau allweddol: byddaf yn ysgrifennu atoch ar bob cam pwysig yn y ddedfryd",
                "- unwaith y flwyddyn: byddaf yn ysgrifennu atoch unwaith y flwyddyn, a chyn y rhyddhau",
                "- mis y rhyddhau yn unig: byddaf yn dweud wrthych am fis y rhyddhau yn unig, ac am "
                "amodau trwydded",
                "Gallwch hefyd ddewis peidio ag ymuno. Gallwch newid eich meddwl, neu optio allan, ar "
                "unrhyw adeg.",
                "Cysylltwch â mi ar ((vlo_phone)) neu drwy e-bostio ((vlo_email)) i ddweud wrthyf beth "
                "hoffech chi. Gallwch hefyd ofyn am lythyrau yn Saesneg, mewn print bras neu drwy e-bost.",
            ),
        ),
    ),
    # -- pre-release -------------------------------------------------------------------------------
    (LetterType.PRE_RELEASE, "en"): _Template(
        "The offender’s release from prison",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "I am writing because ((offender_name)) is expected to be released from prison around "
            "((release_month)). This can change, and I will tell you if it does.",
            "This letter explains what release means for you, and what you can ask for before it happens.",
        ),
        (
            _section(
                "about_release",
                "About the release",
                "We cannot tell you the exact date of release, which prison the offender is in, or where "
                "they will live. This is the rule for everyone in the scheme.",
                "When ((offender_name)) leaves prison, they will be on licence. A licence is a set of "
                "rules the offender must follow in the community. A probation practitioner will "
                "supervise them. If they break the rules, they can be sent back to prison.",
            ),
            _section(
                "licence_conditions",
                "Asking for licence conditions",
                "You can ask for licence conditions that protect you. For example, you can ask that "
                "((offender_name)):",
                "- must not contact you or your family, directly or through other people",
                "- must not go into an area where you live, work or often go. This is called an "
                "exclusion zone. It is shown on a map, and the map does not mark your home",
                "Tell me what worries you, and I will help you decide what to ask for. Conditions must "
                "be necessary and fair, so not every request can be included. The prison or the Parole "
                "Board decides which conditions go into the licence.",
            ),
            _section(
                "representations",
                "How and when to tell us what you want",
                "Please contact me by [add the date] to tell me which conditions you would like. You can "
                "phone, email or write to me. I will send your requests to the probation practitioner "
                "who manages ((offender_name)).",
                "You can also tell me how the offence has affected you, and about any worries you have "
                "about the release. I will pass these on.",
                "When the licence has been set, I will write to tell you which of your requests were "
                "included.",
            ),
        ),
    ),
    (LetterType.PRE_RELEASE, "cy"): _Template(
        "Rhyddhau’r troseddwr o’r carchar",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Rwy’n ysgrifennu atoch oherwydd y disgwylir rhyddhau ((offender_name)) o’r carchar tua "
            "((release_month)). Gall hyn newid, a byddaf yn rhoi gwybod i chi os bydd yn newid.",
            "Mae’r llythyr hwn yn esbonio beth mae’r rhyddhau yn ei olygu i chi, a beth y gallwch ofyn "
            "amdano cyn iddo ddigwydd.",
        ),
        (
            _section(
                "about_release",
                "Am y rhyddhau",
                "Ni allwn ddweud wrthych beth yw union ddyddiad y rhyddhau, ym mha garchar y mae’r "
                "troseddwr, na lle bydd yn byw. Dyma’r rheol i bawb yn y cynllun.",
                "Pan fydd ((offender_name)) yn gadael y carchar, bydd ar drwydded. Trwydded yw set o "
                "reolau y mae’n rhaid i’r troseddwr eu dilyn yn y gymuned. Bydd ymarferydd prawf yn "
                "goruchwylio’r troseddwr. Os bydd y troseddwr yn torri’r rheolau, gellir ei anfon yn ôl "
                "i’r carchar.",
            ),
            _section(
                "licence_conditions",
                "Gofyn am amodau trwydded",
                "Gallwch ofyn am amodau trwydded sy’n eich diogelu chi. Er enghraifft, gallwch ofyn:",
                "- na chaiff ((offender_name)) gysylltu â chi na’ch teulu, yn uniongyrchol na thrwy bobl "
                "eraill",
                "- na chaiff ((offender_name)) fynd i ardal lle rydych yn byw, yn gweithio neu’n mynd yn "
                "aml. Parth gwahardd yw’r enw ar hyn. Caiff ei ddangos ar fap, ac ni fydd y map yn "
                "dangos eich cartref",
                "Dywedwch wrthyf beth sy’n eich poeni, a byddaf yn eich helpu i benderfynu beth i ofyn "
                "amdano. Rhaid i amodau fod yn angenrheidiol ac yn deg, felly ni ellir cynnwys pob cais. "
                "Y carchar neu’r Bwrdd Parôl sy’n penderfynu pa amodau sy’n mynd yn y drwydded.",
            ),
            _section(
                "representations",
                "Sut ac erbyn pryd i ddweud wrthym beth rydych ei eisiau",
                "Cysylltwch â mi erbyn [ychwanegwch y dyddiad] i ddweud wrthyf pa amodau yr hoffech eu "
                "cael. Gallwch fy ffonio, anfon e-bost ataf neu ysgrifennu ataf. Byddaf yn anfon eich "
                "ceisiadau at yr ymarferydd prawf sy’n rheoli ((offender_name)).",
                "Gallwch hefyd ddweud wrthyf sut mae’r drosedd wedi effeithio arnoch, ac am unrhyw "
                "bryderon sydd gennych am y rhyddhau. Byddaf yn eu trosglwyddo.",
                "Pan fydd y drwydded wedi’i phennu, byddaf yn ysgrifennu atoch i ddweud pa rai o’ch "
                "ceisiadau sydd wedi’u cynnwys.",
            ),
        ),
    ),
    # -- key-stage update --------------------------------------------------------------------------
    (LetterType.KEY_STAGE, "en"): _Template(
        "An update about the offender’s sentence",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "I am writing to tell you about a change in ((offender_name))’s sentence. You asked to hear "
            "about key stages, so I want you to know about it.",
        ),
        (
            _section(
                "what_has_happened",
                "What has happened",
                "[Say what has happened, for example a move to an open prison or a release on temporary "
                "licence. Give the month, not the exact date.]",
            ),
            _section(
                "what_it_means",
                "What this means",
                "Prisoners often move through different stages to prepare for release:",
                "- an open prison has fewer physical barriers. Prisoners there may work outside the "
                "prison during the day",
                "- release on temporary licence means the prison lets a prisoner out for a short time, "
                "for example to work or to visit family. They must follow strict rules and go back to "
                "prison at a set time",
                "These steps happen only after the prison has assessed the risk to the public and to you.",
            ),
            _section(
                "what_happens_next",
                "What happens next",
                "If you have worries about this change, please tell me. I can pass your concerns on, and "
                "we can talk about what might help you feel safe.",
                "I will write to you again at the next key stage.",
            ),
        ),
    ),
    (LetterType.KEY_STAGE, "cy"): _Template(
        "Diweddariad am ddedfryd y troseddwr",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Rwy’n ysgrifennu atoch i roi gwybod i chi am newid yn nedfryd ((offender_name)). Gwnaethoch "
            "ofyn am gael gwybod am gamau allweddol, felly rwyf am i chi wybod am hyn.",
        ),
        (
            _section(
                "what_has_happened",
                "Beth sydd wedi digwydd",
                "[Nodwch beth sydd wedi digwydd, er enghraifft symud i garchar agored neu ryddhau dros "
                "dro ar drwydded. Rhowch y mis, nid yr union ddyddiad.]",
            ),
            _section(
                "what_it_means",
                "Beth mae hyn yn ei olygu",
                "Mae carcharorion yn aml yn symud drwy wahanol gamau i baratoi ar gyfer cael eu rhyddhau:",
                "- mae gan garchar agored lai o rwystrau ffisegol. Gall carcharorion yno weithio y tu "
                "allan i’r carchar yn ystod y dydd",
                "- mae rhyddhau dros dro ar drwydded yn golygu bod y carchar yn gadael i garcharor fynd "
                "allan am gyfnod byr, er enghraifft i weithio neu i ymweld â’i deulu. Rhaid iddo ddilyn "
                "rheolau llym a dychwelyd i’r carchar ar amser penodol",
                "Dim ond ar ôl i’r carchar asesu’r risg i’r cyhoedd ac i chi y mae’r camau hyn yn digwydd.",
            ),
            _section(
                "what_happens_next",
                "Beth sy’n digwydd nesaf",
                "Os oes gennych bryderon am y newid hwn, rhowch wybod i mi. Gallaf drosglwyddo eich "
                "pryderon, a gallwn siarad am beth allai eich helpu i deimlo’n ddiogel.",
                "Byddaf yn ysgrifennu atoch eto ar y cam allweddol nesaf.",
            ),
        ),
    ),
    # -- annual ------------------------------------------------------------------------------------
    (LetterType.ANNUAL, "en"): _Template(
        "Your yearly update from the Victim Contact Scheme",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "This is your yearly update about ((offender_name)) from the Victim Contact Scheme.",
        ),
        (
            _section(
                "update",
                "Your update",
                "There has been no important change in ((offender_name))’s sentence since I last wrote "
                "to you.",
                "[If something has changed, replace the sentence above with a short summary. Give "
                "months, not exact dates.]",
            ),
            _section(
                "staying_in_touch",
                "Do you still want to hear from us?",
                "Please tell me if you still want to hear from us. You can:",
                "- keep getting a letter once a year",
                "- hear about every key stage of the sentence",
                "- hear only the month of release",
                "- stop your contact with the scheme (opt out)",
                "If I do not hear from you, I will keep writing to you once a year. I will also contact "
                "you before ((offender_name)) is released, so that you can ask for licence conditions. "
                "You can change your mind at any time.",
            ),
            _section(
                "your_details",
                "Have your details changed?",
                "Please tell me if your address, phone number or email address has changed. Tell me too "
                "if you would like letters in a different way, for example in large print, in Welsh or "
                "by email.",
            ),
        ),
    ),
    (LetterType.ANNUAL, "cy"): _Template(
        "Eich diweddariad blynyddol gan y Cynllun Cyswllt â Dioddefwyr",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Dyma eich diweddariad blynyddol am ((offender_name)) gan y Cynllun Cyswllt â Dioddefwyr.",
        ),
        (
            _section(
                "update",
                "Eich diweddariad",
                "Nid oes unrhyw newid pwysig wedi bod yn nedfryd ((offender_name)) ers i mi ysgrifennu "
                "atoch ddiwethaf.",
                "[Os oes rhywbeth wedi newid, rhowch grynodeb byr yn lle’r frawddeg uchod. Rhowch "
                "fisoedd, nid union ddyddiadau.]",
            ),
            _section(
                "staying_in_touch",
                "Ydych chi am barhau i glywed gennym?",
                "Rhowch wybod i mi a ydych am barhau i glywed gennym. Gallwch:",
                "- barhau i gael llythyr unwaith y flwyddyn",
                "- cael gwybod am bob cam allweddol yn y ddedfryd",
                "- cael gwybod am fis y rhyddhau yn unig",
                "- dod â’ch cyswllt â’r cynllun i ben (optio allan)",
                "Os na fyddaf yn clywed gennych, byddaf yn parhau i ysgrifennu atoch unwaith y flwyddyn. "
                "Byddaf hefyd yn cysylltu â chi cyn rhyddhau ((offender_name)), er mwyn i chi allu gofyn "
                "am amodau trwydded. Gallwch newid eich meddwl ar unrhyw adeg.",
            ),
            _section(
                "your_details",
                "Ydy eich manylion wedi newid?",
                "Rhowch wybod i mi os yw eich cyfeiriad, eich rhif ffôn neu eich cyfeiriad e-bost wedi "
                "newid. Rhowch wybod hefyd os hoffech gael llythyrau mewn ffordd wahanol, er enghraifft "
                "mewn print bras, yn Saesneg neu drwy e-bost.",
            ),
        ),
    ),
    # -- recall ------------------------------------------------------------------------------------
    (LetterType.RECALL, "en"): _Template(
        "The offender has been recalled to prison",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "I am writing to tell you that ((offender_name)) is back in prison. This is called recall.",
        ),
        (
            _section(
                "what_recall_means",
                "What recall means",
                "After leaving prison, ((offender_name)) was on licence. A licence is a set of rules an "
                "offender must follow in the community. Recall means the offender is sent back to prison. "
                "This can happen if they break the rules of their licence, or if the risk they pose "
                "increases.",
                "[Give the reason for the recall, if you can share it.]",
            ),
            _section(
                "what_happens_next",
                "What happens next",
                "How long ((offender_name)) stays in prison depends on the sentence and the type of "
                "recall. Some recalls are for a short, fixed time. Others last longer: the offender is "
                "released again only when the Parole Board or the Probation Service decides it is safe.",
                "I will tell you about any future release, including the month of release. Before then, "
                "you can ask again for licence conditions that protect you.",
            ),
            _section(
                "if_you_are_worried",
                "If you are worried",
                "If you are worried about your safety, please contact me. If you are in immediate "
                "danger, call 999.",
            ),
        ),
    ),
    (LetterType.RECALL, "cy"): _Template(
        "Adalw’r troseddwr i’r carchar",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Rwy’n ysgrifennu atoch i roi gwybod i chi fod ((offender_name)) yn ôl yn y carchar. Adalw "
            "yw’r enw ar hyn.",
        ),
        (
            _section(
                "what_recall_means",
                "Beth yw adalw",
                "Ar ôl gadael y carchar, roedd ((offender_name)) ar drwydded. Trwydded yw set o reolau y "
                "mae’n rhaid i droseddwr eu dilyn yn y gymuned. Mae adalw yn golygu bod y troseddwr yn "
                "cael ei anfon yn ôl i’r carchar. Gall hyn ddigwydd os bydd yn torri rheolau ei "
                "drwydded, neu os bydd y risg y mae’n ei pheri yn cynyddu.",
                "[Nodwch y rheswm dros yr adalw, os gallwch ei rannu.]",
            ),
            _section(
                "what_happens_next",
                "Beth sy’n digwydd nesaf",
                "Mae’r cyfnod y bydd ((offender_name)) yn ei dreulio yn y carchar yn dibynnu ar y "
                "ddedfryd a’r math o adalw. Mae rhai cyfnodau adalw yn fyr ac yn benodol. Mae eraill yn "
                "hirach: dim ond pan fydd y Bwrdd Parôl neu’r Gwasanaeth Prawf yn penderfynu ei bod yn "
                "ddiogel y caiff y troseddwr ei ryddhau eto.",
                "Byddaf yn rhoi gwybod i chi am unrhyw ryddhau yn y dyfodol, gan gynnwys mis y rhyddhau. "
                "Cyn hynny, gallwch ofyn eto am amodau trwydded sy’n eich diogelu chi.",
            ),
            _section(
                "if_you_are_worried",
                "Os ydych yn poeni",
                "Os ydych yn poeni am eich diogelwch, cysylltwch â mi. Os ydych mewn perygl "
                "uniongyrchol, ffoniwch 999.",
            ),
        ),
    ),
    # -- licence end -------------------------------------------------------------------------------
    (LetterType.LICENCE_END, "en"): _Template(
        "The offender’s licence has ended",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "I am writing to tell you that ((offender_name))’s licence has ended.",
        ),
        (
            _section(
                "what_this_means",
                "What this means",
                "A licence is the set of rules an offender must follow after leaving prison. Now that "
                "the licence has ended, ((offender_name)) no longer has to follow those rules, including "
                "any conditions you asked for. The Probation Service no longer supervises the offender.",
                "[Add anything that still applies, for example a restraining order or another court order.]",
            ),
            _section(
                "contact_ends",
                "Your contact with the scheme",
                "This means that your contact with the Victim Contact Scheme has ended, and this is my "
                "last letter. Any court order you have, such as a restraining order, still applies until "
                "the date the court set.",
                "If ((offender_name)) contacts you and you do not want this, call the police on 101, or "
                "999 in an emergency.",
            ),
            _SUPPORT["en"],
        ),
    ),
    (LetterType.LICENCE_END, "cy"): _Template(
        "Mae trwydded y troseddwr wedi dod i ben",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Rwy’n ysgrifennu atoch i roi gwybod i chi fod trwydded ((offender_name)) wedi dod i ben.",
        ),
        (
            _section(
                "what_this_means",
                "Beth mae hyn yn ei olygu",
                "Trwydded yw’r set o reolau y mae’n rhaid i droseddwr eu dilyn ar ôl gadael y carchar. "
                "Gan fod y drwydded wedi dod i ben, nid oes rhaid i ((offender_name)) ddilyn y rheolau "
                "hynny mwyach, gan gynnwys unrhyw amodau y gofynnoch amdanynt. Nid yw’r Gwasanaeth "
                "Prawf yn goruchwylio’r troseddwr mwyach.",
                "[Ychwanegwch unrhyw beth sy’n dal yn berthnasol, er enghraifft gorchymyn atal neu "
                "orchymyn llys arall.]",
            ),
            _section(
                "contact_ends",
                "Eich cyswllt â’r cynllun",
                "Mae hyn yn golygu bod eich cyswllt â’r Cynllun Cyswllt â Dioddefwyr wedi dod i ben, a "
                "dyma fy llythyr olaf. Mae unrhyw orchymyn llys sydd gennych, fel gorchymyn atal, yn dal "
                "mewn grym tan y dyddiad a bennwyd gan y llys.",
                "Os bydd ((offender_name)) yn cysylltu â chi a chithau ddim eisiau hynny, ffoniwch yr "
                "heddlu ar 101, neu 999 mewn argyfwng.",
            ),
            _SUPPORT["cy"],
        ),
    ),
    # -- parole ------------------------------------------------------------------------------------
    (LetterType.PAROLE, "en"): _Template(
        "The offender’s parole review",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "I am writing about the Parole Board’s review of ((offender_name))’s case. [Say what stage "
            "the review has reached, or what the Parole Board decided.]",
        ),
        (
            _section(
                "about_parole",
                "About the Parole Board",
                "The Parole Board is independent. It decides whether some prisoners can be released "
                "safely. It can also recommend a move to an open prison. It looks at reports about the "
                "prisoner, and it often holds a hearing.",
            ),
            _section(
                "your_statement",
                "Your victim personal statement",
                "You can write a victim personal statement. It tells the Parole Board how the crime "
                "affected you, how it still affects you, and any worries you have about release. You can "
                "ask to read it out at the hearing, or ask for someone to read it for you. The offender "
                "will usually see it.",
                "You can also ask for licence conditions. The Parole Board will think about them if it "
                "decides to release ((offender_name)).",
                "I can help you with both. Please contact me by [add the date] if you want to do this.",
            ),
            _section(
                "after_the_decision",
                "After the decision",
                "I will tell you what the Parole Board decides. You can ask for a summary of the reasons "
                "for its decision.",
                "Some decisions can be reconsidered. If you think a decision is seriously wrong, you can "
                "ask the Secretary of State for Justice to consider applying for it to be reconsidered. "
                "This must happen within 21 days of the decision, so please contact me straight away if "
                "you want to do this.",
            ),
        ),
    ),
    (LetterType.PAROLE, "cy"): _Template(
        "Adolygiad parôl y troseddwr",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Rwy’n ysgrifennu atoch am adolygiad y Bwrdd Parôl o achos ((offender_name)). [Nodwch pa gam "
            "y mae’r adolygiad wedi’i gyrraedd, neu beth y penderfynodd y Bwrdd Parôl.]",
        ),
        (
            _section(
                "about_parole",
                "Am y Bwrdd Parôl",
                "Mae’r Bwrdd Parôl yn annibynnol. Mae’n penderfynu a ellir rhyddhau rhai carcharorion yn "
                "ddiogel. Gall hefyd argymell symud carcharor i garchar agored. Mae’n ystyried "
                "adroddiadau am y carcharor, ac yn aml mae’n cynnal gwrandawiad.",
            ),
            _section(
                "your_statement",
                "Eich datganiad personol dioddefwr",
                "Gallwch ysgrifennu datganiad personol dioddefwr. Mae’n dweud wrth y Bwrdd Parôl sut yr "
                "effeithiodd y drosedd arnoch, sut mae’n dal i effeithio arnoch, ac am unrhyw bryderon "
                "sydd gennych am y rhyddhau. Gallwch ofyn am gael ei ddarllen yn y gwrandawiad, neu ofyn "
                "i rywun arall ei ddarllen ar eich rhan. Fel arfer, bydd y troseddwr yn ei weld.",
                "Gallwch hefyd ofyn am amodau trwydded. Bydd y Bwrdd Parôl yn eu hystyried os bydd yn "
                "penderfynu rhyddhau ((offender_name)).",
                "Gallaf eich helpu gyda’r ddau. Cysylltwch â mi erbyn [ychwanegwch y dyddiad] os hoffech "
                "wneud hyn.",
            ),
            _section(
                "after_the_decision",
                "Ar ôl y penderfyniad",
                "Byddaf yn rhoi gwybod i chi beth mae’r Bwrdd Parôl yn ei benderfynu. Gallwch ofyn am "
                "grynodeb o’r rhesymau dros ei benderfyniad.",
                "Gellir ailystyried rhai penderfyniadau. Os ydych yn credu bod penderfyniad yn anghywir "
                "mewn ffordd ddifrifol, gallwch ofyn i’r Ysgrifennydd Gwladol dros Gyfiawnder ystyried "
                "gwneud cais i’w ailystyried. Rhaid gwneud hyn cyn pen 21 diwrnod ar ôl y penderfyniad, "
                "felly cysylltwch â mi ar unwaith os hoffech wneud hyn.",
            ),
        ),
    ),
    # -- outcome of licence-condition requests -----------------------------------------------------
    (LetterType.LICENCE_CONDITIONS_OUTCOME, "en"): _Template(
        "The licence conditions you asked for",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "Thank you for telling me which licence conditions you wanted for ((offender_name)). A "
            "licence is the set of rules an offender must follow after leaving prison. This letter "
            "tells you which of your requests are in the licence.",
        ),
        (
            _section(
                "your_requests",
                "Your requests",
                "[For each condition you asked for, say whether it was included. If a condition was not "
                "included, give the reason.]",
                "The people who set the licence must make sure that each condition is necessary and "
                "fair. This is why some requests are not included.",
            ),
            _section(
                "if_a_condition_is_broken",
                "If a condition is broken",
                "If ((offender_name)) does not follow a condition, for example by contacting you or "
                "going into an exclusion zone:",
                "- if you are in immediate danger, call 999",
                "- otherwise, call the police on 101 and tell them the offender is on licence",
                "- tell me as well, on ((vlo_phone)) or at ((vlo_email))",
                "Breaking a licence condition can lead to recall to prison. It helps to write down what "
                "happened and when.",
            ),
            _section(
                "if_things_change",
                "If things change",
                "If your circumstances change, for example you move house or start a new job, please "
                "tell me. I may be able to ask for the conditions to be changed.",
            ),
        ),
    ),
    (LetterType.LICENCE_CONDITIONS_OUTCOME, "cy"): _Template(
        "Yr amodau trwydded y gofynnoch amdanynt",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Diolch am ddweud wrthyf pa amodau trwydded yr oeddech eu heisiau ar gyfer "
            "((offender_name)). Trwydded yw’r set o reolau y mae’n rhaid i droseddwr eu dilyn ar ôl "
            "gadael y carchar. Mae’r llythyr hwn yn dweud wrthych pa rai o’ch ceisiadau sydd yn y "
            "drwydded.",
        ),
        (
            _section(
                "your_requests",
                "Eich ceisiadau",
                "[Ar gyfer pob amod y gofynnoch amdano, nodwch a gafodd ei gynnwys. Os na chafodd amod "
                "ei gynnwys, rhowch y rheswm.]",
                "Rhaid i’r bobl sy’n pennu’r drwydded sicrhau bod pob amod yn angenrheidiol ac yn deg. "
                "Dyma pam nad yw rhai ceisiadau yn cael eu cynnwys.",
            ),
            _section(
                "if_a_condition_is_broken",
                "Os bydd amod yn cael ei dorri",
                "Os na fydd ((offender_name)) yn dilyn amod, er enghraifft drwy gysylltu â chi neu fynd i "
                "barth gwahardd:",
                "- os ydych mewn perygl uniongyrchol, ffoniwch 999",
                "- fel arall, ffoniwch yr heddlu ar 101 a dywedwch wrthynt fod y troseddwr ar drwydded",
                "- rhowch wybod i mi hefyd, ar ((vlo_phone)) neu drwy e-bostio ((vlo_email))",
                "Gall torri amod trwydded arwain at adalw i’r carchar. Mae’n help i chi nodi beth "
                "ddigwyddodd a phryd.",
            ),
            _section(
                "if_things_change",
                "Os bydd pethau’n newid",
                "Os bydd eich amgylchiadau’n newid, er enghraifft os byddwch yn symud tŷ neu’n dechrau "
                "swydd newydd, rhowch wybod i mi. Efallai y gallaf ofyn am newid yr amodau.",
            ),
        ),
    ),
    # -- case closure ------------------------------------------------------------------------------
    (LetterType.CASE_CLOSURE, "en"): _Template(
        "Your contact with the Victim Contact Scheme is ending",
        _opening(
            "en",
            "Dear ((recipient_name)),",
            "I am writing to tell you that we are closing your case with the Victim Contact Scheme.",
        ),
        (
            _section(
                "why_closing",
                "Why we are closing your case",
                "[Say why the case is closing, for example the sentence has ended, or you asked us to "
                "stop contacting you.]",
            ),
            _section(
                "getting_in_touch",
                "Getting in touch again",
                "This is our last letter unless you contact us. If you have questions, or something "
                "changes, you can contact ((unit_name)) on ((vlo_phone)) or at ((vlo_email)). If the "
                "offender is still serving their sentence, you can ask to rejoin the scheme at any time.",
                "If the offender contacts you and you do not want this, call the police on 101, or 999 "
                "in an emergency.",
            ),
            _SUPPORT["en"],
        ),
    ),
    (LetterType.CASE_CLOSURE, "cy"): _Template(
        "Mae eich cyswllt â’r Cynllun Cyswllt â Dioddefwyr yn dod i ben",
        _opening(
            "cy",
            "Annwyl ((recipient_name)),",
            "Rwy’n ysgrifennu atoch i roi gwybod i chi ein bod yn cau eich achos gyda’r Cynllun Cyswllt "
            "â Dioddefwyr.",
        ),
        (
            _section(
                "why_closing",
                "Pam rydym yn cau eich achos",
                "[Nodwch pam mae’r achos yn cau, er enghraifft mae’r ddedfryd wedi dod i ben, neu rydych "
                "wedi gofyn i ni roi’r gorau i gysylltu â chi.]",
            ),
            _section(
                "getting_in_touch",
                "Cysylltu â ni eto",
                "Dyma ein llythyr olaf oni bai eich bod yn cysylltu â ni. Os oes gennych gwestiynau, neu "
                "os bydd rhywbeth yn newid, gallwch gysylltu â ((unit_name)) ar ((vlo_phone)) neu drwy "
                "e-bostio ((vlo_email)). Os yw’r troseddwr yn dal i fwrw ei ddedfryd, gallwch ofyn am "
                "ailymuno â’r cynllun ar unrhyw adeg.",
                "Os bydd y troseddwr yn cysylltu â chi a chithau ddim eisiau hynny, ffoniwch yr heddlu "
                "ar 101, neu 999 mewn argyfwng.",
            ),
            _SUPPORT["cy"],
        ),
    ),
}


def _template(letter_type: LetterType, language: str) -> _Template:
    try:
        return _TEMPLATES[(letter_type, language)]
    except KeyError:
        raise ValueError(f"There is no built-in {language!r} template for {letter_type.label}") from None


def default_sections(letter_type: LetterType, language: str) -> list[Section]:
    """The built-in template (version 1) of a letter type in "en" or "cy"."""
    template = _template(letter_type, language)
    sections = [template.opening, *template.body]
    if letter_type in NEEDS_UNWANTED_CONTACT:
        sections.append(_UNWANTED_CONTACT_SECTIONS[language])
    sections += [_YOUR_INFORMATION[language], _SIGN_OFF[language]]
    return sections


def default_title(letter_type: LetterType, language: str) -> str:
    """The letter's title line, e.g. "Information about the Victim Contact Scheme"."""
    return _template(letter_type, language).title
