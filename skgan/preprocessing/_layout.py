"""The layout of the columns the networks see: which are continuous, which form one categorical block."""

import bisect
from dataclasses import dataclass

_KINDS = ("continuous", "categorical")


@dataclass(frozen=True)
class OutputBlock:
    """A run of model columns ``[start, stop)`` of one kind.

    A ``"continuous"`` block is one scalar column per feature; a
    ``"categorical"`` block is one one-hot group (its columns sum to one),
    which a generator should end with a softmax over the block.

    ``zero_with``, on a continuous block of one column, is a run ``(start,
    stop)`` of columns inside a categorical block: when a row's category is
    one of them, the scalar means nothing and is 0 (a value of a
    continuous column's own block that is a point mass, or missing), so a
    generator should give 0 there too.

    Examples
    --------
    >>> from skgan.preprocessing import OutputBlock
    >>> OutputBlock("categorical", 3, 6, name="colour").width
    3
    >>> OutputBlock("continuous", 0, 1, name="amount", zero_with=(3, 4)).zero_with
    (3, 4)
    """

    kind: str
    start: int
    stop: int
    name: str = None
    zero_with: tuple = None

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, got {self.kind!r}.")
        if not (0 <= self.start < self.stop):
            raise ValueError(f"A block needs 0 <= start < stop, got [{self.start}, {self.stop}).")
        if self.kind == "categorical" and self.stop - self.start < 2:
            raise ValueError("A categorical block needs at least 2 columns.")
        if self.zero_with is not None:
            if self.kind != "continuous" or self.stop - self.start != 1:
                raise ValueError("zero_with belongs to a continuous block of one column.")
            try:
                low, high = (int(v) for v in self.zero_with)
            except (TypeError, ValueError):
                raise ValueError(f"zero_with must be a pair of column indices, got {self.zero_with!r}.") from None
            if not (self.stop <= low < high):
                raise ValueError(f"zero_with must be columns after the block's own, got {self.zero_with!r}.")
            object.__setattr__(self, "zero_with", (low, high))

    @property
    def width(self):
        """Number of columns."""
        return self.stop - self.start


class OutputLayout:
    """The contract between an encoder and the networks: what each model column is.

    An encoder (a scaling, a tabular encoder) describes the columns it
    produces as contiguous :class:`OutputBlock` runs that cover
    ``0 .. n_columns`` in order; a generator can read it to give each
    categorical block its own softmax.

    Parameters
    ----------
    blocks : sequence of OutputBlock
        Contiguous blocks, starting at column 0.

    Examples
    --------
    >>> from skgan.preprocessing import OutputBlock, OutputLayout
    >>> layout = OutputLayout([OutputBlock("continuous", 0, 2), OutputBlock("categorical", 2, 5, name="colour")])
    >>> layout.n_columns, layout.continuous_columns
    (5, [0, 1])
    >>> [(block.name, block.width) for block in layout.categorical_blocks]
    [('colour', 3)]
    >>> OutputLayout.continuous(3).continuous_columns
    [0, 1, 2]
    """

    def __init__(self, blocks):
        blocks = tuple(blocks)
        if not blocks:
            raise ValueError("An output layout needs at least one block.")
        position = 0
        for block in blocks:
            if not isinstance(block, OutputBlock):
                raise TypeError(f"blocks must be OutputBlock objects, got {type(block).__name__}.")
            if block.start != position:
                raise ValueError(
                    f"Blocks must be contiguous from column 0: a block starts at {block.start}, expected {position}."
                )
            position = block.stop
        starts = [block.start for block in blocks]
        for block in blocks:
            if block.zero_with is not None:
                low, high = block.zero_with
                holder = blocks[bisect.bisect_right(starts, low) - 1]  # the block that holds column ``low``
                if holder.kind != "categorical" or high > holder.stop:
                    raise ValueError(f"zero_with {block.zero_with} of a block must lie inside one categorical block.")
        self.blocks = blocks

    @classmethod
    def continuous(cls, n_columns):
        """A layout of ``n_columns`` continuous columns (what a numeric scaling produces)."""
        return cls([OutputBlock("continuous", 0, int(n_columns))])

    @property
    def n_columns(self):
        """Number of model columns."""
        return self.blocks[-1].stop

    @property
    def continuous_columns(self):
        """Indices of the continuous columns."""
        return [i for block in self.blocks if block.kind == "continuous" for i in range(block.start, block.stop)]

    @property
    def categorical_blocks(self):
        """The categorical blocks, in column order."""
        return [block for block in self.blocks if block.kind == "categorical"]

    def __eq__(self, other):
        return isinstance(other, OutputLayout) and self.blocks == other.blocks

    def __hash__(self):
        return hash(self.blocks)

    def __repr__(self):
        return f"OutputLayout({list(self.blocks)!r})"
