import numpy as np
import pytest
from sklearn.decomposition import PCA

from skgan.preprocessing import OutputBlock, OutputLayout


def test_a_layout_lists_continuous_columns_and_categorical_blocks():
    layout = OutputLayout([
        OutputBlock("continuous", 0, 1, name="age"),
        OutputBlock("categorical", 1, 4, name="colour"),
        OutputBlock("continuous", 4, 6),
        OutputBlock("categorical", 6, 8, name="flag"),
    ])
    assert layout.n_columns == 8
    assert layout.continuous_columns == [0, 4, 5]
    assert [(b.name, b.start, b.width) for b in layout.categorical_blocks] == [("colour", 1, 3), ("flag", 6, 2)]
    assert layout == OutputLayout(list(layout.blocks)) and layout != OutputLayout.continuous(8)


@pytest.mark.parametrize(
    "blocks, match",
    [
        ([], "at least one block"),
        ([OutputBlock("continuous", 1, 3)], "contiguous from column 0"),
        ([OutputBlock("continuous", 0, 2), OutputBlock("categorical", 3, 5)], "starts at 3, expected 2"),
        ([("continuous", 0, 2)], "OutputBlock objects"),
    ],
)
def test_a_layout_must_cover_its_columns_in_order(blocks, match):
    with pytest.raises((ValueError, TypeError), match=match):
        OutputLayout(blocks)


@pytest.mark.parametrize(
    "kind, start, stop, match",
    [("ordinal", 0, 2, "kind"), ("continuous", 2, 2, "start < stop"), ("categorical", 0, 1, "at least 2")],
)
def test_a_block_is_checked(kind, start, stop, match):
    with pytest.raises(ValueError, match=match):
        OutputBlock(kind, start, stop)


def test_the_fitted_scaling_describes_the_columns_the_networks_see(tiny_sampler):
    X = np.random.RandomState(0).normal(size=(60, 5))
    gan = tiny_sampler(max_iter=1, bandwidth=1.0).fit(X)
    assert gan._fitted.codec.scaling.output_layout == OutputLayout.continuous(5)
    coded = tiny_sampler(max_iter=1, bandwidth=1.0, transformer=PCA(2)).fit(X)
    assert coded._fitted.codec.scaling.output_layout == OutputLayout.continuous(2)
