"""The attribution model: candidates gathered around a quotation, their features, the decision, the
artifact's checks and the training command (sentences written for these tests)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from briefings.extract import features as f
from briefings.extract.candidates import Candidate, Scene, _name_words, speaks_near
from briefings.extract.core import extract
from briefings.extract.decide import rules_only
from briefings.extract.model import MODEL_VERSION, Model, ModelError, from_json, packaged, read
from briefings.extract.names import Mentions
from briefings.models import EntityKind, EntityRef

# ---------------------------------------------------------------------------- candidates and features


def scenes(text: str) -> list[tuple[Scene, list[Candidate]]]:
    """Every quotation's scene and candidates, as the extractor gathers them (the rules decide)."""
    seen: list[tuple[Scene, list[Candidate]]] = []

    def recorder(scene: Scene, candidates: list[Candidate]) -> Candidate | None:
        seen.append((scene, candidates))
        return rules_only(scene, candidates)

    extract(text, decide=recorder, weigh_all=True)
    return seen


def named(candidates: list[Candidate], name: str) -> Candidate:
    return next(c for c in candidates if c.speaker == name)


def test_the_verb_after_a_quotation_names_the_rules_choice() -> None:
    [(scene, cands)] = scenes('"The bridge will reopen in the spring," said Dana Whitlock, the county engineer.')
    c = named(cands, "Dana Whitlock")
    assert f.rule(c, scene) == 1.0
    assert f.verb_after(c, scene) == 1.0  # the first verb after the closing mark
    assert f.verb_before(c, scene) == 0.0
    assert f.rule_by_verb(c, scene) == 1.0
    assert f.opens_sentence(c, scene) == 1.0


def test_a_paragraph_that_is_only_a_quotation_offers_the_one_named_before() -> None:
    text = (
        "The harbour board met on Tuesday. Its chair, Marta Quill, spoke after the vote.\n\n"
        '"We have waited eleven years for this crane, and now the port can grow again."'
    )
    [(scene, cands)] = scenes(text)
    c = named(cands, "Marta Quill")
    assert f.rule_none(c, scene) == 1.0  # no verb and no quotation before: the rules name no one
    assert f.whole_paragraph(c, scene) == 1.0
    assert f.paragraphs_back(c, scene) == 1.0
    assert f.before_rank(c, scene) == 1.0


def test_a_name_the_rules_did_not_read_is_a_candidate_of_its_own() -> None:
    text = 'The letter came from Oskar Fenwick at the depot.\n\n"The night trains will stop for two weeks."'
    [(scene, cands)] = scenes(text)
    c = named(cands, "Oskar Fenwick")
    assert f.name_only(c, scene) == 1.0
    assert f.mention_before(c, scene) > 0


def test_a_phrase_quoted_inside_the_writers_sentence_is_embedded() -> None:
    [(scene, cands)] = scenes('Residents call the plan a "waste of good farmland and money" in their petition.')
    assert cands == []  # no one near to have said it
    c = Candidate("Residents", None)
    assert f.embedded(c, scene) == 1.0
    assert f.quote_capitalised(c, scene) == 0.0
    assert f.quote_punctuated(c, scene) == 0.0


def test_a_country_is_marked_as_a_place() -> None:
    text = 'Envoys from Saudi Arabia met the mayor on Friday. "We will sign the deal," Mayor Lena Brandt said.'
    [(scene, cands)] = scenes(text)
    assert f.place(named(cands, "Saudi Arabia"), scene) == 1.0
    assert f.place(named(cands, "Lena Brandt"), scene) == 0.0


def test_a_verb_of_saying_next_to_a_name() -> None:
    text = "Later Roe said nothing; the clerk kept the minutes, according to Lee."
    assert speaks_near(text, text.index("Roe"), text.index("Roe") + 3)
    assert not speaks_near(text, text.index("clerk"), text.index("clerk") + 5)


def test_capitalised_words_make_a_name_only_between_common_words() -> None:
    assert _name_words("Commissioner Sir Mark Rowan") == ["Mark", "Rowan"]
    assert _name_words("But Jane Roe") == ["Jane", "Roe"]
    assert _name_words("Sir Ann Lee") == ["Ann", "Lee"]
    assert _name_words("Tuesday The Harbour") == []  # a weekday, an article and a noun: no one


def test_every_feature_gives_a_number_for_every_candidate() -> None:
    text = (
        "Jane Roe, the mayor, spoke on Monday. She said the works would take a year.\n\n"
        '"We are ready to start," she said. "The money is there, and so are the crews."'
    )
    found = scenes(text)
    assert len(found) == 2
    for scene, cands in found:
        for c in cands:
            v = f.vector(c, scene)
            assert len(v) == len(f.NAMES)
            assert all(isinstance(x, float) for x in v)


# ---------------------------------------------------------------------------- the decision


def test_the_model_names_the_speaker_of_a_statement_quoted_on_its_own() -> None:
    text = (
        "The harbour board met on Tuesday. Its chair, Marta Quill, spoke after the vote.\n\n"
        '"We have waited eleven years for this crane, and now the port can grow again."\n\n'
        '"Nobody on the board expected the vote to be so close."'
    )
    assert [q.speaker for q in extract(text, decide=rules_only).quotes] == [None, None]
    assert [q.speaker for q in extract(text).quotes] == ["Marta Quill", "Marta Quill"]


def test_a_verb_beside_a_quotation_naming_someone_in_full_settles_it_unweighed() -> None:
    text = '"The bridge will reopen in the spring," said Dana Whitlock, the county engineer.'
    asked: list[Scene] = []

    def never(scene: Scene, candidates: list[Candidate]) -> Candidate | None:
        asked.append(scene)
        return None

    assert [q.speaker for q in extract(text, decide=never).quotes] == ["Dana Whitlock"]
    assert asked == []
    assert [q.speaker for q in extract(text, decide=never, weigh_all=True).quotes] == [None]
    assert len(asked) == 1


def test_the_model_keeps_a_clear_attribution() -> None:
    text = 'Critics say the road is too narrow. "It will never carry the lorries," said Dana Whitlock, an engineer.'
    assert [q.speaker for q in extract(text).quotes] == ["Dana Whitlock"]


# ---------------------------------------------------------------------------- the artifact


def test_the_packaged_model_is_current() -> None:
    model = packaged()
    assert model.kind in ("trees", "logistic")
    assert packaged() is model  # read once


def test_a_missing_artifact_is_one_line_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        read(tmp_path / "model.json")
    message = str(err.value)
    assert "missing" in message and "python benchmarks/extract_train.py" in message
    assert "\n" not in message


def test_a_stale_artifact_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    data = packaged().to_json()
    path.write_text(json.dumps({**data, "version": MODEL_VERSION + 1}), encoding="utf-8")
    with pytest.raises(ModelError, match="stale"):
        read(path)
    path.write_text(json.dumps({**data, "features": data["features"][:-1]}), encoding="utf-8")
    with pytest.raises(ModelError, match="stale"):
        read(path)


def test_a_damaged_artifact_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read"):
        read(path)
    data = packaged().to_json()
    data.pop("trees" if data["kind"] == "trees" else "weights")
    with pytest.raises(ModelError, match="damaged"):
        from_json(data)


def test_a_model_scores_the_same_after_a_round_trip() -> None:
    model = Model("logistic", weights=tuple(float(i % 3) for i in range(len(f.NAMES))), bias=-1.5)
    again = from_json(json.loads(json.dumps(model.to_json())))
    x = [1.0] * len(f.NAMES)
    assert again.score(x) == model.score(x) == -1.5 + sum(i % 3 for i in range(len(f.NAMES)))


# ---------------------------------------------------------------------------- training

# matching rules for the invented corpus below (the real ones are ../shared/eval/score.py's)
_SCORER = """
def texts_match(pred, gold):
    p, g = pred.lower().strip(" ,."), gold.lower().strip(" ,.")
    return bool(p and g) and (p in g or g in p)


def names_match(pred, accepted):
    words = set(pred.lower().split())
    return bool(words) and any(set(a.lower().split()) <= words or words <= set(a.lower().split()) for a in accepted)
"""

_ARTICLES = [
    (
        "The ferry company met on Monday. Its head, Piet Arends, spoke to the crews.\n\n"
        '"The new boats arrive in June, and every crew will train on them," Arends said.\n\n'
        '"We expect no delays this summer."',
        [
            ("The new boats arrive in June, and every crew will train on them", "Piet Arends"),
            ("We expect no delays this summer.", "Piet Arends"),
        ],
    ),
    (
        'Gill Tamsin, who runs the library, wrote to readers. "The reading room closes on Fridays," she wrote.\n\n'
        'The council said the budget was tight. "There is no money for longer hours," said Omar Reyes, its treasurer.',
        [("The reading room closes on Fridays", "Gill Tamsin"), ("There is no money for longer hours", "Omar Reyes")],
    ),
]


def _write_corpus(root: Path) -> None:
    from benchmarks.extract_train import data_sets

    (root / "eval").mkdir(parents=True)
    (root / "eval" / "score.py").write_text(textwrap.dedent(_SCORER), encoding="utf-8")
    for n, ds in enumerate(data_sets(root)):
        ds.texts.mkdir(parents=True, exist_ok=True)
        ds.gold.parent.mkdir(parents=True, exist_ok=True)
        text, quotes = _ARTICLES[n % len(_ARTICLES)]
        (ds.texts / "a.txt").write_text(text, encoding="utf-8")
        gold = {
            "articles": [
                {
                    "file": "a.txt",
                    "quotes": [{"text": t, "speaker": [s]} for t, s in quotes],
                    "estimates": [],
                    "optional": [],
                }
            ]
        }
        ds.gold.write_text(json.dumps(gold), encoding="utf-8")


def test_training_twice_on_the_same_data_writes_the_same_bytes(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    from benchmarks.extract_train import main

    shared = tmp_path / "shared"
    _write_corpus(shared)
    for k in (1, 2):
        assert (
            main(
                [
                    "--shared",
                    str(shared),
                    "--out",
                    str(tmp_path / f"m{k}.json"),
                    "--card",
                    str(tmp_path / f"card{k}.md"),
                    "--no-eval",
                ]
            )
            == 0
        )
    first = (tmp_path / "m1.json").read_bytes()
    assert first == (tmp_path / "m2.json").read_bytes()
    model = read(tmp_path / "m1.json")  # a model this code loads
    assert model.trees
    assert "politics" in (tmp_path / "card1.md").read_text(encoding="utf-8")


def test_the_quotations_features_read_once_give_each_candidate_the_same_vector() -> None:
    text = (
        "Jane Roe, the mayor, met Omar Reyes, the treasurer, on Monday.\n\n"
        '"We are ready to start," she said. "The money is there, and so are the crews."'
    )
    for scene, cands in scenes(text):
        assert len(cands) >= 2
        assert f.vectors(cands, scene) == [f.vector(c, scene) for c in cands]


# ---------------------------------------------------------------------------- what a candidate is


def test_common_words_read_as_a_name_are_marked_and_a_name_is_not() -> None:
    text = (
        "Critics say the ferry is too slow, and critics rarely agree.\n\n"
        'Harbour master Olaf Brink disagreed. "It will run on time," he said.'
    )
    [(scene, cands)] = scenes(text)
    critics = Candidate("Critics", None)
    assert f.common_words(critics, scene) == 1.0
    assert f.head_common(critics, scene) == 1.0
    assert f.plural(critics, scene) == 1.0
    brink = named(cands, "Olaf Brink")
    assert f.common_words(brink, scene) == 0.0
    assert f.plural(brink, scene) == 0.0


def test_a_document_and_a_news_outlet_are_marked() -> None:
    text = 'The ruling, the Valley Times reported, said the dam was "unsafe for the next ten years" at least.'
    [(scene, _)] = scenes(text)
    assert f.document(Candidate("the ruling", None), scene) == 1.0
    assert f.media(Candidate("Valley Times", None), scene) == 1.0
    assert f.media(Candidate("Olaf Brink", None), scene) == 0.0


def test_someone_spoken_to_is_marked_addressed() -> None:
    text = 'Olaf Brink told Mia Sand on Friday that "the ferry will run on time from now on" at last.'
    [(scene, cands)] = scenes(text)
    assert f.addressed(named(cands, "Mia Sand"), scene) == 1.0
    assert f.addressed(named(cands, "Olaf Brink"), scene) == 0.0


def test_the_one_who_opens_the_sentence_before_leads_it() -> None:
    text = (
        "In her speech on Monday, Mia Sand thanked the crews and Olaf Brink. "
        '"They worked through every night of the storm," she said.'
    )
    [(scene, cands)] = scenes(text)
    assert f.leads(named(cands, "Mia Sand"), scene) == 1.0  # the sentence before the quotation's
    assert f.leads(named(cands, "Olaf Brink"), scene) == -1.0
    assert f.person_rank(named(cands, "Olaf Brink"), scene) == 1.0  # the person named nearest before it


def test_a_pronoun_resolved_to_many_is_a_mismatch() -> None:
    text = 'Several critics of the plan spoke on Monday. "It is far too late for the town," he said.'
    [(scene, _)] = scenes(text)
    c = Candidate("critics", None, said=scene.rule, pronoun=True) if scene.rule else None
    assert c is not None
    assert f.pronoun_mismatch(c, scene) == 1.0


def test_a_quotation_that_runs_on_looks_for_its_speaker_where_it_began() -> None:
    text = (
        "Commissioner Alma Pike met patrol officers across the county this week.\n\n"
        "She has released a short statement:\n\n"
        "“This week one of our officers was charged after the crash.\n\n"
        "“I cannot talk about that case while the proceedings go on.\n\n"
        "“I met the officers on Thursday to reflect on the week.”"
    )
    found = scenes(text)
    assert len(found) == 3
    scene, cands = found[-1]
    assert f.runs_on(cands[0], scene) == 2.0
    assert f.after_colon(cands[0], scene) == 1.0
    assert any(c.speaker.endswith("Alma Pike") for c in cands)  # four paragraphs back: two before the statement began


def test_a_verb_that_reports_without_saying_is_weak() -> None:
    [(scene, cands)] = scenes('"The town will not be bullied by anyone," said the mayor, Olaf Brink, on Sunday.')
    assert f.verb_strength(named(cands, "Olaf Brink"), scene) == 2.0  # "said"
    [(scene, cands)] = scenes('The Harbour Board shows "a town that has had enough of the works" in its report.')
    board = named(cands, "Harbour Board")
    assert f.verb_strength(board, scene) == 1.0  # "shows" reports, but does not say
    assert f.rule_verb_strength(board, scene) == 1.0  # the rules' choice, through a weak verb


def speakers(text: str) -> list[str | None]:
    """Who the rules alone give each quotation of `text` to."""
    return [q.speaker for q in extract(textwrap.dedent(text), decide=rules_only).quotes]


def test_he_continues_the_one_a_sentence_is_about_not_a_plural_subject_before() -> None:
    text = """\
        Harbour board sacks its chair

        Tomas Brandt was dismissed as the board's chair on Tuesday. Critics, including two
        former treasurers, say the accounts were kept badly for years.

        Brandt rejected the findings. “Nobody has shown me a single wrong figure,” he said.
        """
    assert speakers(text) == ["Tomas Brandt"]


def test_she_continues_the_subject_of_the_last_clause_that_names_someone() -> None:
    text = """\
        Rail chief faces questions

        Ines Calloway was questioned about late trains at the hearing.
        Arnold Pike suggested the timetable had failed, but Director Calloway disagreed.
        She said: "The timetable is sound and the trains will be on time by spring."
        """
    assert speakers(text) == ["Ines Calloway"]


def test_she_never_goes_to_a_man_the_article_calls_mr() -> None:
    text = """\
        Council vote delayed

        Martha Quill asked for the vote to be delayed. Mr Oskar Lind told the council there was no time.
        “We owe the residents a proper debate on this,” she said.
        """
    assert speakers(text) == ["Martha Quill"]


def test_he_is_never_resolved_to_many_people() -> None:
    body = "Critics say the plan failed. He disagreed."
    mentions = Mentions(body)
    mentions.add(EntityRef(name="Critics", kind=EntityKind.person), 0, "Critics", subject=True)
    assert mentions.resolve("He", body.index("He")) is None


def test_an_outlet_that_passes_a_quotation_on_is_not_the_voice_the_next_one_continues() -> None:
    text = """\
        Bank warns of collapse

        Lena Varga, governor of the bank, told reporters it would "fall apart soon", as reported by Reuters.

        "If no budget is passed this month, there will be nothing left to save."
        """
    assert speakers(text) == ["Lena Varga", "Lena Varga"]


def test_a_sentence_that_opens_with_someone_else_marks_the_candidates_it_does_not_name() -> None:
    text = (
        "Senator Ann Roe arrived in the capital on Tuesday.\n\n"
        'The fishermen warned that the quotas "will ruin every harbour town".\n\n'
        'Later, Ann Roe said the quotas "were fair to every harbour town".\n\n'
        '"We have waited long enough for this," she said.'
    )
    [(first, cands1), (second, cands2), (third, cands3)] = scenes(text)
    assert f.other_subject(named(cands1, "Ann Roe"), first) == 1.0  # the fishermen open it
    assert f.other_subject(named(cands2, "Ann Roe"), second) == 0.0  # she opens it herself
    assert all(f.other_subject(c, third) == 0.0 for c in cands3)  # the sentence opens with the quotation


def test_a_surname_alone_tells_where_someone_named_before_stands() -> None:
    text = (
        "Mary Stone, the chief executive of Acme, announced the closure on Monday.\n\n"
        "“We will help every worker find a new job,” Governor Bill Kasey said.\n\n"
        "Hours later, Stone, 56, gave a speech on television to describe the plan as “a painful but necessary step.”"
    )
    scene, cands = scenes(text)[-1]
    c = named(cands, "Mary Stone")
    assert f.leads(c, scene) == 0.0  # she opens the quotation's sentence, named by her surname alone
    assert f.in_sentence(c, scene) == 1.0
    assert f.leads(named(cands, "Bill Kasey"), scene) != 0.0
