"""Export → import → export is byte-identical for the whole built-in pack in every format,
and importing gives back every field the formats carry."""

from functools import cache

import pytest

from gradquiz.content.formats import Format, read_questions, write_questions
from gradquiz.content.formats.pack_export import pack_questions
from gradquiz.content.formats.report import BankQuestion
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.packs import Pack

VARIANTS = 3
SEEDS = [101, 202, 303]


@cache
def pack() -> Pack:
    return load_pack(builtin_pack_dir())


@cache
def exported() -> tuple[BankQuestion, ...]:
    return tuple(pack_questions(pack(), variants=VARIANTS, seeds=SEEDS))


def test_the_export_holds_every_static_question_and_n_variants_of_each_generated_one() -> None:
    questions = pack().questions.values()
    generated = [q for q in questions if q.parametrized]
    ids = [item.question.id for item in exported()]
    assert len(ids) == len(questions) + (VARIANTS - 1) * len(generated)
    assert len(set(ids)) == len(ids)
    for question in generated:
        frozen = [i.question for i in exported() if i.question.id.startswith(f"{question.id}-v")]
        assert [q.id for q in frozen] == [f"{question.id}-v{n}" for n in (1, 2, 3)]
        assert all(not q.parametrized and q.stem and q.key for q in frozen)
        assert len({q.stem for q in frozen}) > 1, "each variant has its own numbers"


@pytest.mark.parametrize("file_format", list(Format))
def test_export_import_export_is_byte_identical(file_format: Format) -> None:
    first = write_questions(exported(), file_format, pack_id="backprop", title=pack().title)
    report = read_questions(first, file_format)
    assert report.summary() == f"{len(exported())} imported, 0 skipped, 0 refused"
    second = write_questions(report.imported, file_format, pack_id="backprop", title=pack().title)
    assert second == first


@pytest.mark.parametrize("file_format", list(Format))
def test_import_gives_back_every_field(file_format: Format) -> None:
    data = write_questions(exported(), file_format, pack_id="backprop", title=pack().title)
    imported = read_questions(data, file_format).questions
    assert [q.id for q in imported] == [i.question.id for i in exported()]
    for original, again in zip((i.question for i in exported()), imported, strict=True):
        assert again.stem == original.stem, original.id
        assert [o.text for o in again.options] == [o.text for o in original.options], original.id
        assert [o.feedback for o in again.options] == [o.feedback for o in original.options]
        assert again.option_ids.index(again.key) == original.option_ids.index(original.key)
        assert again.explanation == original.explanation, original.id
        assert again.reference == original.reference, original.id
        assert (again.topic, again.difficulty) == (original.topic, original.difficulty)
        if file_format is not Format.GIFT:  # GIFT has no way to say "keep this order"
            assert again.shuffle == original.shuffle, original.id


@pytest.mark.parametrize("file_format", list(Format))
def test_importing_the_same_file_twice_gives_the_same_questions(file_format: Format) -> None:
    data = write_questions(exported()[:10], file_format, pack_id="backprop")
    assert read_questions(data, file_format) == read_questions(data, file_format)
