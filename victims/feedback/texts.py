"""What the victim reads, in English and Welsh: the feedback page and the paragraph added to a
letter or email. Welsh as the letters write it (victims/letters/texts/cy.toml): a curly
apostrophe (’), "Swyddog Cyswllt Dioddefwyr" for the Victim Liaison Officer, and answers that
follow the question (Do/Naddo after "A wnaethom…?", Ydw/Nac ydw after "Ydych chi…?")."""

from __future__ import annotations

LANGUAGES = ("en", "cy")

PAGE: dict[str, dict[str, str]] = {
    "en": {
        "service": "Victim Contact Scheme",
        "title": "Tell us what you think of the Victim Contact Scheme",
        "intro": "This takes about 2 minutes. We do not ask for your name, and nobody sees your "
        "answers with your name on them. Your answers help us improve the service.",
        "satisfaction": "Overall, how satisfied are you with the service you have had from us?",
        "kept_informed": "Did we keep you informed about what was happening?",
        "felt_safer": "Do you feel safer because of the contact you have had with us?",
        "comments": "Is there anything else you would like to tell us? (optional)",
        "comments_hint": "Do not include personal details, such as your name, address or phone "
        "number. If you need to talk to someone, call your Victim Liaison Officer.",
        "submit": "Send feedback",
        "switch": "Cymraeg",
        "switch_label": "Darllenwch y dudalen hon yn Gymraeg",
        "choose_satisfaction": "Choose how satisfied you are with the service",
        "choose_kept_informed": "Choose whether we kept you informed",
        "choose_felt_safer": "Choose whether you feel safer",
        "too_long": "Your comments must be 2,000 characters or fewer",
        "thanks_title": "Thank you for your feedback",
        "thanks_body": "We read every response and use them to improve the service.",
        "thanks_contact": "If you want to talk to someone about your case, call your Victim "
        "Liaison Officer on the number in your letter.",
        "gone_title": "This feedback link cannot be used",
        "gone_body": "It may have been used already, it may have expired, or the address may "
        "have been typed wrongly. Each link works once, for 90 days after the letter.",
        "gone_check": "Check the address in your letter or email. If you would still like to "
        "tell us what you think, call your Victim Liaison Officer.",
        "error_prefix": "Error",
        "problem": "There is a problem",
    },
    "cy": {
        "service": "Cynllun Cyswllt â Dioddefwyr",
        "title": "Dywedwch wrthym beth yw eich barn am y Cynllun Cyswllt â Dioddefwyr",
        "intro": "Mae hyn yn cymryd tua 2 funud. Nid ydym yn gofyn am eich enw, ac ni fydd neb "
        "yn gweld eich atebion gyda’ch enw arnynt. Mae eich atebion yn ein helpu i wella’r "
        "gwasanaeth.",
        "satisfaction": "At ei gilydd, pa mor fodlon ydych chi gyda’r gwasanaeth rydych wedi’i "
        "gael gennym ni?",
        "kept_informed": "A wnaethom ni roi gwybod i chi am yr hyn oedd yn digwydd?",
        "felt_safer": "Ydych chi’n teimlo’n fwy diogel oherwydd y cyswllt rydych wedi’i gael gyda ni?",
        "comments": "Oes unrhyw beth arall yr hoffech ei ddweud wrthym? (dewisol)",
        "comments_hint": "Peidiwch â chynnwys manylion personol, fel eich enw, eich cyfeiriad "
        "neu eich rhif ffôn. Os oes angen i chi siarad â rhywun, ffoniwch eich Swyddog Cyswllt "
        "Dioddefwyr.",
        "submit": "Anfon adborth",
        "switch": "English",
        "switch_label": "Read this page in English",
        "choose_satisfaction": "Dewiswch pa mor fodlon ydych chi gyda’r gwasanaeth",
        "choose_kept_informed": "Dewiswch a wnaethom ni roi gwybod i chi",
        "choose_felt_safer": "Dewiswch a ydych chi’n teimlo’n fwy diogel",
        "too_long": "Rhaid i’ch sylwadau fod yn 2,000 o nodau neu lai",
        "thanks_title": "Diolch am eich adborth",
        "thanks_body": "Rydym yn darllen pob ymateb ac yn eu defnyddio i wella’r gwasanaeth.",
        "thanks_contact": "Os hoffech siarad â rhywun am eich achos, ffoniwch eich Swyddog "
        "Cyswllt Dioddefwyr ar y rhif sydd yn eich llythyr.",
        "gone_title": "Ni ellir defnyddio’r ddolen adborth hon",
        "gone_body": "Efallai ei bod wedi cael ei defnyddio’n barod, efallai ei bod wedi dod i "
        "ben, neu efallai bod y cyfeiriad wedi’i deipio’n anghywir. Mae pob dolen yn gweithio "
        "unwaith, am 90 diwrnod ar ôl y llythyr.",
        "gone_check": "Gwiriwch y cyfeiriad yn eich llythyr neu eich e-bost. Os hoffech ddweud "
        "wrthym beth yw eich barn o hyd, ffoniwch eich Swyddog Cyswllt Dioddefwyr.",
        "error_prefix": "Gwall",
        "problem": "Mae problem",
    },
}

# Satisfaction, most satisfied first (as GOV.UK's own feedback pages list it).
SATISFACTION: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("5", "Very satisfied"),
        ("4", "Satisfied"),
        ("3", "Neither satisfied nor dissatisfied"),
        ("2", "Dissatisfied"),
        ("1", "Very dissatisfied"),
    ],
    "cy": [
        ("5", "Bodlon iawn"),
        ("4", "Bodlon"),
        ("3", "Ddim yn fodlon nac yn anfodlon"),
        ("2", "Anfodlon"),
        ("1", "Anfodlon iawn"),
    ],
}

# The answers, as each question takes them.
ANSWERS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "en": {
        "kept_informed": [("yes", "Yes"), ("partly", "Partly"), ("no", "No"), ("not_sure", "Not sure")],
        "felt_safer": [("yes", "Yes"), ("partly", "Partly"), ("no", "No"), ("not_sure", "Not sure")],
    },
    "cy": {
        "kept_informed": [
            ("yes", "Do"),
            ("partly", "Yn rhannol"),
            ("no", "Naddo"),
            ("not_sure", "Ddim yn siŵr"),
        ],
        "felt_safer": [
            ("yes", "Ydw"),
            ("partly", "Yn rhannol"),
            ("no", "Nac ydw"),
            ("not_sure", "Ddim yn siŵr"),
        ],
    },
}

# The paragraph a letter or email carries: {url} and {until} are filled in.
LETTER_SECTION: dict[str, tuple[str, str]] = {
    "en": (
        "Tell us what you think",
        "We would like to know what you think of the service we have given you. You can tell us "
        "online, once, until {until}, at:\n{url}\n\n"
        "It takes about 2 minutes and we will not ask for your name. If you cannot go online, you "
        "can tell your Victim Liaison Officer by phone instead.",
    ),
    "cy": (
        "Dywedwch wrthym beth yw eich barn",
        "Hoffem wybod beth yw eich barn am y gwasanaeth rydym wedi’i roi i chi. Gallwch ddweud "
        "wrthym ar-lein, unwaith, tan {until}, yn:\n{url}\n\n"
        "Mae’n cymryd tua 2 funud ac ni fyddwn yn gofyn am eich enw. Os na allwch fynd ar-lein, "
        "gallwch ddweud wrth eich Swyddog Cyswllt Dioddefwyr dros y ffôn yn lle hynny.",
    ),
}


def language(code: str | None) -> str:
    return code if code in LANGUAGES else "en"


def _plural(one: str, other: str) -> dict[str, str]:
    # Welsh has six plural forms (Intl.PluralRules); GOV.UK Frontend asks for the one that applies.
    return {"zero": other, "one": one, "two": other, "few": other, "many": other, "other": other}


# The character count's messages (GOV.UK Frontend's own are English).
CHARACTER_COUNT: dict[str, dict[str, object]] = {
    "en": {},
    "cy": {
        "textareaDescriptionText": "Gallwch roi hyd at %{count} o nodau",
        "charactersUnderLimitText": _plural(
            "Mae gennych %{count} nod ar ôl", "Mae gennych %{count} o nodau ar ôl"
        ),
        "charactersAtLimitText": "Mae gennych 0 nod ar ôl",
        "charactersOverLimitText": _plural(
            "Mae gennych %{count} nod yn ormod", "Mae gennych %{count} o nodau yn ormod"
        ),
    },
}
