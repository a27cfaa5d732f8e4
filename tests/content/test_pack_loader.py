import shutil
from pathlib import Path

import pytest

from gradquiz.content.pack_loader import builtin_pack_dir, check_pack, load_pack
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Difficulty
from gradquiz.errors import PackInvalid
from tests.factories import unique_stem, write_pack

SEED_TOPICS = ["Chain rule", "Gradient descent", "Computation graph", "Vanishing gradient"]


def test_builtin_pack_is_clean_and_holds_the_seed_page(pack: Pack) -> None:
    assert check_pack(builtin_pack_dir()) == []
    assert pack.title == "Backpropagation deep dive"
    assert pack.subtitle == "Backpropagation MCQ · test your gradient flow knowledge"
    assert pack.minutes == 25 and pack.blueprint.size == 15
    assert dict(pack.blueprint.counts) == {
        Difficulty.EASY: 5,
        Difficulty.MEDIUM: 6,
        Difficulty.HARD: 4,
    }
    assert [t.name for t in pack.topics if t.required] == SEED_TOPICS
    assert pack.blueprint.required_topics == tuple(t.id for t in pack.topics[:4])
    assert [t.term for t in pack.page.glossary] == [
        "Chain rule",
        "Computational graph",
        "Vanishing gradient",
        "Exploding gradient",
        "Automatic differentiation",
        "Gradient flow",
    ]
    assert len(pack.page.interview_questions) == 6
    assert "dL/dw = dL/dz * x" in pack.page.code_example


def test_builtin_bank_has_every_topic_and_enough_per_difficulty(pack: Pack) -> None:
    topics = {q.topic for q in pack.questions.values()}
    assert topics == {t.id for t in pack.topics}
    for difficulty, needed in pack.blueprint.counts.items():
        have = sum(1 for q in pack.questions.values() if q.difficulty == difficulty)
        assert have >= needed


def test_written_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path / "p"))
    assert len(pack.questions) == 24


def problems(folder: Path) -> list[str]:
    return [str(p) for p in check_pack(folder)]


def test_unknown_key_in_pack_toml(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    manifest = folder / "pack.toml"
    manifest.write_text(manifest.read_text().replace("minutes = 25", "minutes = 25\ncolour = 1"))
    assert any(f"{manifest}:7: colour: unknown key" in p for p in problems(folder))


def test_questions_count_must_match_blueprint(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    manifest = folder / "pack.toml"
    manifest.write_text(manifest.read_text().replace("questions = 15", "questions = 16"))
    assert any("questions = 16 but the blueprint adds up to 15" in p for p in problems(folder))


def test_file_name_must_match_id(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    source = folder / "questions" / "chain-rule-easy-0.txt"
    shutil.copy(source, folder / "questions" / "copy.txt")
    found = problems(folder)
    assert any(
        "copy.txt:1: id 'chain-rule-easy-0' does not match the file name" in p for p in found
    )


def test_duplicate_ids_across_subfolders(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    questions = folder / "questions"
    (questions / "extra").mkdir()
    shutil.copy(questions / "chain-rule-easy-0.txt", questions / "extra" / "chain-rule-easy-0.txt")
    found = problems(folder)
    assert any(
        "extra/chain-rule-easy-0.txt:1: duplicate question id 'chain-rule-easy-0'" in p
        for p in found
    ), found


def test_unknown_topic(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    path = folder / "questions" / "chain-rule-easy-0.txt"
    path.write_text(path.read_text().replace("topic: chain-rule", "topic: optics"))
    assert any(f"{path}:2: topic 'optics' is not declared" in p for p in problems(folder))


def test_blueprint_the_bank_cannot_fill(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p", per_cell=1, blueprint=(5, 6, 4))
    found = problems(folder)
    line = (folder / "pack.toml").read_text().splitlines().index("[blueprint]") + 1
    assert any(f"pack.toml:{line}: The bank cannot fill the blueprint" in p for p in found), found
    with pytest.raises(PackInvalid) as raised:
        load_pack(folder)
    assert "medium: needs 6, bank has 4" in "\n".join(raised.value.problems)


def test_missing_page_file_and_bad_toml(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    (folder / "page" / "why.md").unlink()
    (folder / "page" / "glossary.toml").write_text("[[term]\nterm = 1\n")
    found = problems(folder)
    assert any("why.md:1: page file page/why.md is missing" in p for p in found)
    assert any("glossary.toml:1: invalid TOML" in p for p in found)


def test_near_duplicate_stems_are_flagged(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    questions = folder / "questions"
    stem = "In the graph $f = (x + y) z$ with $x = 1$, $y = 2$, $z = 3$, what is $\\partial f / \\partial x$?"
    near = stem.replace("what is", "find")
    for qid, text in (("chain-rule-easy-0", stem), ("chain-rule-easy-1", near)):
        path = questions / f"{qid}.txt"
        path.write_text(path.read_text().replace(unique_stem(qid), text))
    found = problems(folder)
    assert any(
        "chain-rule-easy-1.txt:1: stem is a near-duplicate of 'chain-rule-easy-0'" in p
        for p in found
    ), found
    assert len([p for p in found if "near-duplicate" in p]) == 1


def test_blueprint_must_fill_disjoint_exams(tmp_path: Path) -> None:
    ok = write_pack(tmp_path / "ok", per_cell=4, disjoint_exams=2)
    assert problems(ok) == []
    short = write_pack(tmp_path / "short", per_cell=2, disjoint_exams=2)
    found = problems(short)
    assert any(
        "the bank fills only 1 exam(s) without reusing a question; disjoint_exams asks for 2" in p
        for p in found
    ), found


def test_excluding_an_unknown_question_is_reported(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "p")
    path = folder / "questions" / "chain-rule-easy-0.txt"
    path.write_text(
        path.read_text().replace("reference:", "excludes: chain-rule-easy-1, ghost\nreference:")
    )
    assert any(f"{path}:5: excludes unknown question 'ghost'" in p for p in problems(folder))
