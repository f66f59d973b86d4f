"""Word lists of English news writing: how speech is reported, how people and bodies are named.

General vocabulary, not tied to any one article. Everything is lowercase.
"""

from __future__ import annotations

import re

# Verbs that report speech or a claim, in the forms news copy uses them.
_SPEECH_STEMS = """
say:said,says,saying | tell:told,tells,telling | add:added,adds,adding | warn:warned,warns,warning
state:stated,states | note:noted,notes,noting | announce:announced,announces | explain:explained,explains,explaining
claim:claimed,claims,claiming | insist:insisted,insists,insisting | write:wrote,writes,writing | post:posted
argue:argued,argues,arguing | assert:asserted,asserts,asserting | declare:declared,declares,declaring
confirm:confirmed,confirms,confirming
acknowledge:acknowledged,acknowledges | admit:admitted,admits | remark:remarked | reply:replied,replies
respond:responded,responds | continue:continued | urge:urged,urges,urging | vow:vowed,vows,vowing | pledge:pledged,pledges,pledging
caution:cautioned | emphasize:emphasized,emphasised,emphasizes,emphasises,emphasizing,emphasising
stress:stressed,stresses,stressing | report:reported,reports | estimate:estimated,estimates
believe:believes,believed | assess:assessed,assesses | suggest:suggested,suggests | indicate:indicated,indicates
allege:alleged,alleges | ask:asked | dismiss:dismissed,dismisses | describe:described,describes,describing
conclude:concluded | predict:predicted,predicts | tweet:tweeted | reveal:revealed,reveals | disclose:disclosed
brief:briefed | inform:informed | recount:recounted | observe:observed | charge:charged | complain:complained
deny:denied,denies | mention:mentioned | echo:echoed | call:called,calls,calling | accuse:accused,accusing | repeat:repeated
threaten:threatened,threatening | promise:promised,promising | agree:agreed | reiterate:reiterated,reiterates | quip:quipped
shout:shouted,shouting | chant:chanted,chanting | scream:screamed,screaming | exclaim:exclaimed | tell:telling | think:thinks,thought | expect:expects | fear:fears,feared | calculate:calculated
express:expressed,expresses | condemn:condemned,condemns | criticize:criticized,criticised,criticizes,criticises
welcome:welcomed,welcomes | reject:rejected,rejects | denounce:denounced,denounces | slam:slammed | praise:praised | hail:hailed
| voice:voiced,voices | write:written | show:shows,showed,shown
"""
# Base forms that are plain present tense far more often than nouns ("officials say").
_PRESENT_STEMS = frozenset(
    """say tell warn insist argue believe assess suggest admit acknowledge confirm stress emphasize
    predict allege explain urge fear expect think accuse deny""".split()
)
SPEECH_VERBS: frozenset[str] = frozenset(
    w.strip()
    for part in re.split(r"[|\n]", _SPEECH_STEMS)
    for i, half in enumerate(part.split(":"))
    for w in half.split(",")
    if w.strip() and (i == 1 or w.strip() in _PRESENT_STEMS)
)
# Verbs that may stand before a quotation ("dismissed reports as “fake”") but that need a subject
# named in the same sentence; they never take an inverted subject ("said Kirby" does).
INVERTIBLE = frozenset(
    "said says added warned stated noted explained wrote asked continued replied told insisted".split()
)

# Common nouns that name a role; with a proper name after them they form a title.
ROLE_WORDS = frozenset(
    """spokesperson spokesman spokeswoman spokespeople minister president secretary adviser advisor
    official officials chief head director general lieutenant commander envoy ambassador diplomat
    analyst analysts expert experts lawmaker lawmakers senator representative rep governor mayor
    premier chancellor leader leaders officer officers deputy principal prime foreign defense defence
    intelligence security national vice assistant undersecretary under-secretary chairman chairwoman
    chair member members speaker source sources aide aides commissioner coordinator colonel col major
    maj captain capt sergeant sgt lt gen admiral adm marshal ambassador king queen prince pope
    correspondent reporter editor researcher professor prof dr mr mrs ms sen gov minister’s
    secretary-general attorney judge prosecutor emperor dictator sheriff sheriffs coroner coroners
    manager managers administrator""".split()
)
# nouns for someone that say whether "he" or "she" continues them ("Jane Roe's mother, Ann Roe,"; "the
# spokeswoman"): kin, and the roles English still writes in two forms
SHE_WORDS = frozenset(
    """mother wife daughter sister grandmother granddaughter aunt niece widow girlfriend fiancee bride mum mom
    stepmother stepdaughter woman girl lady queen princess spokeswoman chairwoman businesswoman congresswoman
    councilwoman actress waitress policewoman sportswoman headmistress""".split()
)
HE_WORDS = frozenset(
    """father husband son brother grandfather grandson uncle nephew widower boyfriend fiance groom dad
    stepfather stepson man boy gentleman king prince spokesman chairman businessman congressman councilman
    actor waiter policeman sportsman headmaster""".split()
)
KIN_WORDS = frozenset(
    """mother father wife husband daughter son sister brother grandmother grandfather granddaughter grandson aunt
    uncle niece nephew cousin widow widower girlfriend boyfriend fiance fiancee partner parent parents mum mom dad
    stepmother stepfather stepdaughter stepson""".split()
)
TITLE_ABBREVIATIONS = frozenset("mr mrs ms dr prof gen lt col maj capt sgt adm rep sen gov pres".split())

# Common nouns for someone unnamed who speaks ("a person familiar with the plans said").
GENERIC_SPEAKERS = frozenset(
    """person people witness witnesses resident residents soldier soldiers prisoner prisoners captive captives
    defector defectors sniper snipers rifleman riflemen fighter fighters veteran veterans pilot pilots medic medics
    volunteer volunteers refugee refugees survivor survivors man men woman women mother father son daughter wife
    husband student students doctor doctors nurse nurses driver drivers guard guards victim victims pow pows
    conscript conscripts recruit recruits deserter deserters interrogator interviewer questioner interpreter
    translator serviceman servicemen commando commandos paratrooper paratroopers marine marines
    organiser organisers organizer organizers""".split()
)

# What a body issues and news cites in its place ("according to a statement from the ministry").
DOCUMENTS = frozenset(
    """statement statements report reports assessment assessments briefing post memo document documents
    analysis communique release filing letter estimate estimates findings video footage figures data statistics
    bulletin bulletins""".split()
)

# Heads of names of bodies.
BODY_WORDS = frozenset(
    """ministry department council service agency committee office administration government army
    navy forces force command staff directorate bureau commission parliament assembly congress senate
    kremlin pentagon nato un cabinet party embassy court union nations alliance organization
    organisation institute centre center media press news agency's ministry's intelligence
    military militaries police guard corps presidency secretariat headquarters house team
    authorities authority officials group groups unions organizations organisations prefecture municipality""".split()
)

PRONOUNS_PERSON = frozenset("he she him".split())  # "her" is a possessive as often: see names.resolve
PRONOUNS_BODY = frozenset("it they them".split())
PRONOUNS = PRONOUNS_PERSON | PRONOUNS_BODY | frozenset("i we you".split())
POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}

# Countries and their demonyms, for affiliations ("South Korean Defense Minister" → South Korea).
COUNTRIES: dict[str, str] = {}
for _line in """
United States: us, u.s., u.s, usa, america, american, washington, united states
South Korea: south korea, south korean, seoul, republic of korea, rok
North Korea: north korea, north korean, pyongyang, dprk
Russia: russia, russian, moscow, kremlin, russian federation
Ukraine: ukraine, ukrainian, kyiv, kiev
China: china, chinese, beijing
Japan: japan, japanese, tokyo
United Kingdom: united kingdom, uk, u.k., britain, british, london
France: france, french, paris
Germany: germany, german, berlin
European Union: european union, eu, brussels
United Nations: united nations, un, u.n.
NATO: nato
Iran: iran, iranian, tehran
Belarus: belarus, belarusian, minsk
Poland: poland, polish, warsaw
Taiwan: taiwan, taiwanese, taipei
India: india, indian, new delhi
Israel: israel, israeli
Turkey: turkey, turkish, ankara
Canada: canada, canadian, ottawa
Australia: australia, australian, canberra
Italy: italy, italian, rome
Spain: spain, spanish, madrid
Netherlands: netherlands, dutch, the hague
Belgium: belgium, belgian
Sweden: sweden, swedish, stockholm
Norway: norway, norwegian, oslo
Finland: finland, finnish, helsinki
Denmark: denmark, danish, copenhagen
Estonia: estonia, estonian, tallinn
Latvia: latvia, latvian, riga
Lithuania: lithuania, lithuanian, vilnius
Hungary: hungary, hungarian, budapest
Romania: romania, romanian, bucharest
Moldova: moldova, moldovan, chisinau
Czech Republic: czech republic, czechia, czech, prague
Slovakia: slovakia, slovak, bratislava
Austria: austria, austrian
Greece: greece, greek, athens
Bulgaria: bulgaria, bulgarian, sofia
Serbia: serbia, serbian, belgrade
Ireland: ireland, irish, dublin
Portugal: portugal, portuguese, lisbon
Syria: syria, syrian, damascus
Iraq: iraq, iraqi, baghdad
Saudi Arabia: saudi arabia, saudi, riyadh
Pakistan: pakistan, pakistani, islamabad
Vietnam: vietnam, vietnamese, hanoi
Mongolia: mongolia, mongolian, ulaanbaatar
Kazakhstan: kazakhstan, kazakh, astana
Philippines: philippines, philippine, filipino, manila
Indonesia: indonesia, indonesian, jakarta
Brazil: brazil, brazilian, brasilia
Mexico: mexico, mexican
South Africa: south africa, south african, pretoria
Egypt: egypt, egyptian, cairo
Azerbaijan: azerbaijan, azerbaijani, baku
Armenia: armenia, armenian, yerevan
Cuba: cuba, cuban, havana
Venezuela: venezuela, venezuelan, caracas
""".strip().splitlines():
    _country, _names = _line.split(":")
    for _n in _names.split(","):
        COUNTRIES[_n.strip()] = _country.strip()

# Well-known bodies whose country English news leaves unsaid.
BODY_COUNTRY = {
    "national security council": "United States",
    "state department": "United States",
    "pentagon": "United States",
    "white house": "United States",
    "treasury department": "United States",
    "defense department": "United States",
    "department of defense": "United States",
    "biden administration": "United States",
    "trump administration": "United States",
    "cia": "United States",
    "kremlin": "Russia",
    "national intelligence service": "South Korea",
    "nis": "South Korea",
    "joint chiefs of staff": "South Korea",
    "gur": "Ukraine",
    "sbu": "Ukraine",
}

WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
MONTHS = {
    **{
        m: i + 1
        for i, m in enumerate(
            "january february march april may june july august september october november december".split()
        )
    },
    **{m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    "sept": 9,
}

# Words that never start or sit inside a person's or body's name.
NOT_NAME = frozenset(
    """the a an and or but of in on at for to from by with as that this these those which who whom
    whose when while where what why how after before since if though although because than then so yet also
    still however meanwhile earlier later last next first monday tuesday wednesday thursday friday
    saturday sunday today yesterday according during speaking asked""".split()
)

NUMBER_WORDS = {
    **{
        w: i
        for i, w in enumerate(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen".split()
        )
    },
    **{w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())},
}
MULTIPLIERS = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "k": 1000}

TROOP_NOUNS = frozenset(
    """troops troop soldiers soldier personnel servicemen servicemembers fighters forces men
    conscripts commandos recruits mercenaries infantry infantrymen marines paratroopers sappers engineers
    gunners koreans officers troopers riflemen""".split()
) | frozenset({"service members", "military builders", "construction troops", "military engineers"})
# A head count in "people" is of soldiers only where the sentence is about soldiers (not a strike's victims).
PEOPLE_NOUNS = frozenset("people persons".split())


# The force whose numbers the story tracks; troop counts of any other country's forces are not estimates.
STORY_FORCE = frozenset({"North Korea"})
OTHER_FORCES = frozenset(name for name, country in COUNTRIES.items() if country not in STORY_FORCE and len(name) > 2)
