"""Classical item statistics of one exam from its first attempts.

The table is complete: one row per learner, every item answered (or left blank, which is
wrong). Each item is worth one mark, so an item score is 0 or 1 and a total is a count.

- Facility: the share of learners right.
- Discrimination D: facility in the upper group minus facility in the lower group. The groups
  are the 27 % of learners with the highest and the lowest totals: 0.27 n learners each,
  rounded half up, at least one. Learners tied at a group's cut share its remaining places equally
  (each counts as a fraction of a learner), so D does not depend on row order and equals
  its average over every way of breaking the tie. Where every learner has the same total
  (a class of one among them) the two groups are the same learners and D is undefined
  (None); where everyone, or nobody, got the item right, D is 0 by construction and says
  nothing of the item, so it is not judged (`item_flags.judged_band`).
- Options: a generated question shows each learner only some of its options, so each
  option is judged among the learners who were shown it (`Response.shown`): its exposure
  is their share of the class, its count and its upper and lower shares are among them, and
  a distractor is unchosen only if someone was shown it and nobody chose it, and it is
  flagged only where those learners gave enough wrong answers k that, spread evenly at
  random over the m wrong options they were shown, chance alone would leave it unchosen
  less than 5 % of the time: (1 - 1/m)^k < 0.05 (`item_flags.wrong_answers_needed`).
- Each flag needs a class large enough to judge it (`item_flags.learners_needed`).
- Corrected point-biserial: the correlation of the item score with the rest score (the total
  without this item), so an item does not correlate with itself.
- Exam: mean and population standard deviation of totals (the class is the whole group
  described, not a sample), and KR-20 with the same population variances; KR-20 equals
  Cronbach's alpha with sample variances throughout, because n/(n-1) cancels.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gradquiz.core.item_flags import (
    Band,
    Flag,
    flags_for,
    group_size,
    judged_band,
    unjudged_flags,
    withheld_flags,
    wrong_answers_needed,
)
from gradquiz.errors import InvalidInput

__all__ = ["group_size"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Item:
    """An item as the caller names it: an opaque id, the option ids it offers, and its key."""

    # A parametrized question is one item under its generator's question id. Its options are
    # whatever the caller groups choices by: stable option ids (so that the variants add up)
    # or misconception keys (for statistics per misconception).
    id: str
    options: tuple[str, ...]
    key: str


@dataclass(frozen=True)
class Response:
    """One learner's first answer to an item: the option chosen (None: left blank), and its mark."""

    option: str | None
    # Redundant with the key on purpose: a table built from the wrong variant's option ids
    # disagrees with it somewhere and is refused instead of analysed.
    correct: bool
    # The options this learner was shown (None: all of the item's options). A generated
    # question's variant offers some of its generator's options, not all.
    shown: frozenset[str] | None = None


@dataclass(frozen=True)
class OptionStats:
    """How often one option was chosen among the learners shown it: a count, and the shares
    of the upper and the lower group's members who were shown it."""

    option: str
    is_key: bool
    count: int
    # None where no member of that group was shown the option.
    upper: float | None
    lower: float | None
    # Learners shown the option, and their share of the class.
    shown: int = 0
    exposure: float = 0.0
    # Among the learners shown it: how many chose a wrong option, and the most wrong options
    # any of them was shown. With few wrong answers an option goes unchosen by chance alone,
    # so "unchosen" is judged only from `wrong_answers_needed` up.
    wrong_answers: int = 0
    wrong_options: int = 0

    @property
    def wrong_answers_needed(self) -> int:
        """The wrong answers among the learners shown it for "nobody chose it" to be judged."""
        return wrong_answers_needed(self.wrong_options)

    @property
    def judgeable(self) -> bool:
        """Whether "nobody chose it" says anything: chance alone would rarely (< 5 %) leave
        it unchosen among this many wrong answers."""
        return self.wrong_answers >= self.wrong_answers_needed


@dataclass(frozen=True)
class ItemStats:
    """Facility, discrimination, corrected point-biserial, option choices and flags of one item."""

    item: str
    facility: float
    # Facility within the upper and the lower 27 % group; discrimination is their difference,
    # None where the two groups are the same learners (every learner has the same total).
    upper: float
    lower: float
    discrimination: float | None
    # None where it is undefined: everyone, or nobody, right; the rest scores all equal; or
    # every learner has the same total (the rest score is then that total less the item).
    point_biserial: float | None
    options: tuple[OptionStats, ...]
    omitted: int
    flags: tuple[Flag, ...]
    # The learners of the class: too few and some flags are not judged (`unjudged_flags`).
    learners: int

    @property
    def band(self) -> Band | None:
        """The discrimination band of D (very good, good, marginal, poor or negative); None
        where D is undefined, or 0 by construction (everyone right, or everyone wrong), or
        the class is too small to judge it."""
        return judged_band(self.facility, self.discrimination, self.learners)

    @property
    def unjudged_flags(self) -> tuple[Flag, ...]:
        """The flags the class is too small to judge, whatever the figures."""
        return unjudged_flags(self.learners)

    @property
    def withheld_flags(self) -> tuple[Flag, ...]:
        """The flags this item's figures would raise were the class big enough to judge them
        (the row says so; the class-level sentence lists `unjudged_flags`)."""
        return withheld_flags(
            facility=self.facility, discrimination=self.discrimination, learners=self.learners
        )

    @property
    def unchosen_distractors(self) -> tuple[str, ...]:
        """The wrong options that some learners were shown and none of them chose."""
        return tuple(o.option for o in self.options if _unchosen(o))

    @property
    def unjudged_distractors(self) -> tuple[OptionStats, ...]:
        """Wrong options nobody chose that are not flagged: too few wrong answers (none when
        everyone was right) among the learners shown them to tell."""
        return tuple(o for o in self.options if _unchosen(o, judged=False) and not o.judgeable)


def _unchosen(option: OptionStats, *, judged: bool = True) -> bool:
    return (
        not option.is_key
        and option.shown > 0
        and option.count == 0
        and (option.judgeable or not judged)
    )


@dataclass(frozen=True)
class ExamStats:
    """Learners, items, mean and population standard deviation of totals, and KR-20."""

    learners: int
    items: int
    mean: float
    sd: float
    # None with fewer than two items or when every learner has the same total; may be negative.
    kr20: float | None


@dataclass(frozen=True)
class ItemAnalysis:
    """The exam's figures, each item's in the order given, and the size of each 27 % group."""

    exam: ExamStats
    items: tuple[ItemStats, ...]
    group_size: int
    # Every learner has the same total: the upper and the lower group are the same learners.
    same_groups: bool = False

    @property
    def any_split(self) -> bool:
        """Whether some question was got right by some learners and wrong by others."""
        return any(0 < item.facility < 1 for item in self.items)


def analyse_items(
    items: Sequence[Item], responses: Sequence[Mapping[str, Response]]
) -> ItemAnalysis:
    """Item and exam statistics of `responses`, one mapping of item id to Response per learner."""
    _check_items(items)
    if not responses:
        raise InvalidInput("There are no attempts to analyse.")
    correct, chosen, shown = _table(items, responses)
    totals = correct.sum(axis=1)
    size = group_size(len(responses))
    upper_weights = _top_weights(totals, size)
    lower_weights = _top_weights(-totals, size)
    scores = correct.astype(np.float64)
    facility = scores.mean(axis=0)
    upper = upper_weights @ scores / size
    lower = lower_weights @ scores / size
    point_biserial = _rest_correlations(scores, totals)
    # Decided on the integer totals: the groups then weigh every learner alike.
    same_groups = bool(totals.min() == totals.max())
    stats = []
    for column, item in enumerate(items):
        options = _option_stats(
            item, chosen[:, column], shown[:, column], upper_weights, lower_weights
        )
        discrimination = None if same_groups else float(upper[column] - lower[column])
        stats.append(
            ItemStats(
                item=item.id,
                facility=float(facility[column]),
                upper=float(upper[column]),
                lower=float(lower[column]),
                discrimination=discrimination,
                # The rest score is the constant total less the item: r would be -1 by
                # construction wherever some got it right and some wrong.
                point_biserial=None if same_groups else point_biserial[column],
                options=options,
                omitted=int((chosen[:, column] < 0).sum()),
                flags=flags_for(
                    facility=float(facility[column]),
                    discrimination=discrimination,
                    unchosen_distractors=any(_unchosen(o) for o in options),
                    learners=len(responses),
                ),
                learners=len(responses),
            )
        )
    return ItemAnalysis(
        exam=_exam_stats(scores, totals),
        items=tuple(stats),
        group_size=size,
        same_groups=same_groups,
    )


def _check_items(items: Sequence[Item]) -> None:
    if not items:
        raise InvalidInput("There are no items to analyse.")
    repeated = sorted(i for i, n in Counter(item.id for item in items).items() if n > 1)
    if repeated:
        raise InvalidInput(f"Item ids repeat: {repeated}.")
    for item in items:
        if len(set(item.options)) != len(item.options):
            raise InvalidInput(f"Item '{item.id}' repeats an option id: {list(item.options)}.")
        if item.key not in item.options:
            raise InvalidInput(f"Item '{item.id}': key '{item.key}' is not one of its options.")


def _table(
    items: Sequence[Item], responses: Sequence[Mapping[str, Response]]
) -> tuple[npt.NDArray[np.bool_], Ints, npt.NDArray[np.bool_]]:
    """Right/wrong, the chosen option's index (-1 for a blank) and which options each
    learner was shown, one row per learner (the last indexed learner, item, option)."""
    ids = {item.id for item in items}
    indices = [{option: index for index, option in enumerate(item.options)} for item in items]
    correct = np.zeros((len(responses), len(items)), dtype=np.bool_)
    chosen = np.full((len(responses), len(items)), -1, dtype=np.intp)
    widest = max(len(item.options) for item in items)
    shown = np.zeros((len(responses), len(items), widest), dtype=np.bool_)
    for row, answers in enumerate(responses):
        if answers.keys() != ids:
            raise InvalidInput(_mismatch(row, ids, set(answers)))
        for column, item in enumerate(items):
            response = answers[item.id]
            if response.correct != (response.option == item.key):
                raise InvalidInput(_misgraded(row, item, response))
            correct[row, column] = response.correct
            offered = item.options if response.shown is None else response.shown
            for option in offered:
                if option not in indices[column]:
                    raise InvalidInput(
                        f"Learner {row}: item '{item.id}' has no option '{option}' to show."
                    )
                shown[row, column, indices[column][option]] = True
            if response.option is not None:
                if response.option not in indices[column]:
                    raise InvalidInput(
                        f"Learner {row}: item '{item.id}' has no option '{response.option}'."
                    )
                if response.option not in offered:
                    raise InvalidInput(
                        f"Learner {row}: item '{item.id}': option '{response.option}' was "
                        "chosen but not shown."
                    )
                chosen[row, column] = indices[column][response.option]
    return correct, chosen, shown


def _mismatch(row: int, expected: set[str], given: set[str]) -> str:
    missing, extra = sorted(expected - given), sorted(given - expected)
    return f"Learner {row}: the row must give every item once (missing {missing}, unknown {extra})."


def _misgraded(row: int, item: Item, response: Response) -> str:
    mark = "right" if response.correct else "wrong"
    return (
        f"Learner {row}: item '{item.id}' is marked {mark} for option {response.option!r}, "
        f"but the key is '{item.key}'."
    )


def _top_weights(scores: Ints, size: int) -> Floats:
    """Each learner's share of a place among the `size` highest scores (ties at the cut split)."""
    cut = np.sort(scores)[len(scores) - size]
    above = scores > cut
    tied = scores == cut
    weights: Floats = above.astype(np.float64)
    weights[tied] = (size - int(above.sum())) / int(tied.sum())
    return weights


def _rest_correlations(scores: Floats, totals: Ints) -> list[float | None]:
    """Pearson's r of each item score with its rest score (the total less the item)."""
    rest = totals[:, np.newaxis] - scores
    facility = scores.mean(axis=0)
    covariance = (scores * rest).mean(axis=0) - facility * rest.mean(axis=0)
    spread = np.sqrt(facility * (1 - facility)) * rest.std(axis=0)
    # Decided on exact integer facts, not on a float spread that may be 1e-17 instead of 0.
    defined = (scores.min(axis=0) != scores.max(axis=0)) & (rest.min(axis=0) != rest.max(axis=0))
    return [
        float(covariance[j] / spread[j]) if defined[j] else None for j in range(scores.shape[1])
    ]


def _option_stats(
    item: Item, chosen: Ints, shown: npt.NDArray[np.bool_], upper: Floats, lower: Floats
) -> tuple[OptionStats, ...]:
    """Each option's count, exposure and shares of the upper and the lower group, all among
    the learners who were shown it."""
    learners = len(chosen)
    key = item.options.index(item.key)
    wrong = (chosen >= 0) & (chosen != key)
    wrong_options = shown.sum(axis=1) - shown[:, key]
    stats = []
    for index, option in enumerate(item.options):
        picked = chosen == index
        offered = shown[:, index]
        stats.append(
            OptionStats(
                option=option,
                is_key=option == item.key,
                count=int(picked.sum()),
                upper=_share(upper, picked, offered),
                lower=_share(lower, picked, offered),
                shown=int(offered.sum()),
                exposure=float(offered.sum()) / learners,
                wrong_answers=int((wrong & offered).sum()),
                wrong_options=int(wrong_options[offered].max()) if offered.any() else 0,
            )
        )
    return tuple(stats)


def _share(
    weights: Floats, picked: npt.NDArray[np.bool_], offered: npt.NDArray[np.bool_]
) -> float | None:
    """The group's weight on learners who picked the option over its weight on those shown it."""
    base = float(weights[offered].sum())
    return float(weights[picked].sum()) / base if base > 0 else None


def _exam_stats(scores: Floats, totals: Ints) -> ExamStats:
    learners, items = scores.shape
    variance = float(totals.var())
    kr20 = None
    if items > 1 and totals.min() != totals.max():
        facility = scores.mean(axis=0)
        item_variance = float((facility * (1 - facility)).sum())
        kr20 = items / (items - 1) * (1 - item_variance / variance)
    return ExamStats(
        learners=learners,
        items=items,
        mean=float(totals.mean()),
        sd=float(np.sqrt(variance)),
        kr20=kr20,
    )
