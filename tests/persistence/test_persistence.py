import json
import pickle
import subprocess
import sys
import warnings
import zipfile

import joblib
import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from torch import nn

import skgan
from skgan import GANSampler, MLPDiscriminator, MLPGenerator
from skgan.persistence import VERSION, load, save


@pytest.fixture(scope="module")
def fitted(tiny_sampler):
    X = np.random.RandomState(0).normal(size=(120, 3)) * [1.0, 5.0, 0.1] + [0.0, 100.0, -3.0]
    return tiny_sampler(max_iter=2).fit(X), X


@pytest.fixture
def model_path(fitted, tmp_path):
    path = tmp_path / "model.skgan"
    fitted[0].save(path)
    return path


def assert_same_params(loaded, original):
    for name, value in original.get_params(deep=False).items():
        other = loaded.get_params(deep=False)[name]
        if isinstance(value, (MLPGenerator, MLPDiscriminator)):
            assert type(other) is type(value) and other.get_params() == value.get_params(), name
        else:
            assert other == value, name


def rewrite(path, **changes):
    contents = torch.load(path, weights_only=True)
    contents.update(changes)
    torch.save(contents, path)


# --- round trip -----------------------------------------------------------


def test_round_trip_gives_identical_samples_scores_and_attributes(fitted, model_path):
    gan, X = fitted
    loaded = skgan.load(model_path)
    check_is_fitted(loaded)
    np.testing.assert_array_equal(loaded.sample(50), gan.sample(50))
    np.testing.assert_array_equal(loaded.sample(50, random_state=7), gan.sample(50, random_state=7))
    np.testing.assert_array_equal(loaded.score_samples(X), gan.score_samples(X))
    assert loaded.bandwidth_ == gan.bandwidth_
    assert loaded.history_ == gan.history_
    assert loaded.n_iter_ == gan.n_iter_ and loaded.n_features_in_ == 3
    assert loaded.best_validation_score_ is None and loaded.device_ == "cpu"
    assert not loaded.generator_.training and not loaded.discriminator_.training
    assert_same_params(loaded, gan)
    assert isinstance(loaded.generator.hidden_layer_sizes, tuple)


def test_round_trip_of_every_parameter_kind(tmp_path, tiny_sampler):
    X = np.random.RandomState(1).uniform(size=(60, 2))
    gan = tiny_sampler(
        generator=MLPGenerator((8, 6), activation="elu", output_activation="sigmoid", dropout=0.1),
        discriminator="mlp",
        device=torch.device("cpu"),
        bandwidth=np.array([0.05, 0.2]),
        noise="uniform",
        loss="minimax",
        learning_rate=np.float64(1e-3),
        max_iter=np.int64(2),
        early_stopping=True,
        n_iter_no_change=5,
    ).fit(X)
    gan.save(tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert loaded.device == "cpu" and loaded.bandwidth == [0.05, 0.2] and loaded.max_iter == 2
    assert loaded.generator.get_params() == {**gan.generator.get_params(), "hidden_layer_sizes": (8, 6)}
    assert loaded.discriminator == "mlp" and loaded.loss == "minimax" and loaded.noise == "uniform"
    assert loaded.best_validation_score_ == gan.best_validation_score_ is not None
    assert loaded._fitted.codec.scaling.output_range == (0.0, 1.0)
    np.testing.assert_array_equal(loaded.sample(20), gan.sample(20))
    np.testing.assert_array_equal(loaded.score_samples(X), gan.score_samples(X))


def test_round_trip_of_the_papers_networks(tmp_path, tiny_sampler):
    X = np.random.RandomState(0).uniform(size=(40, 16))
    maxout = skgan.MaxoutDiscriminator((8,), n_pieces=3)
    gan = tiny_sampler(generator="goodfellow2014", discriminator=maxout, max_iter=1)
    gan.fit(X).save(tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert loaded.generator == "goodfellow2014"
    assert loaded.discriminator.get_params() == {**gan.discriminator.get_params(), "hidden_layer_sizes": (8,)}
    np.testing.assert_array_equal(loaded.sample(5), gan.sample(5))
    np.testing.assert_array_equal(loaded.score_samples(X), gan.score_samples(X))


def test_round_trip_keeps_feature_names(tmp_path, tiny_sampler):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.RandomState(0).normal(size=(60, 2)), columns=["height", "weight"])
    gan = tiny_sampler(max_iter=1).fit(X)
    gan.save(tmp_path / "m")
    loaded = load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.feature_names_in_, ["height", "weight"])
    assert loaded.feature_names_in_.dtype == object
    np.testing.assert_array_equal(loaded.score_samples(X), gan.score_samples(X))
    with pytest.raises(ValueError, match="feature names"):
        loaded.score_samples(X.rename(columns={"weight": "age"}))


def test_file_holds_only_plain_values_and_tensors(model_path):
    contents = torch.load(model_path, weights_only=True)
    assert contents["format"] == "skgan.GANSampler" and contents["version"] == VERSION
    assert contents["skgan_version"] == skgan.__version__
    config = json.loads(contents["config"])
    assert config["generator"] == {
        "spec": "MLPGenerator",
        "params": {"hidden_layer_sizes": [16], "activation": "relu", "batch_norm": True, "dropout": 0.0,
                   "output_activation": "tanh", "gumbel_tau": 0.2, "residual": False},
    }
    assert config["random_state"] == 0

    def check_plain(value):
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, (str, int))
                check_plain(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                check_plain(item)
        else:
            assert value is None or type(value) in (str, int, float, bool, torch.Tensor), type(value)

    check_plain(contents)


def test_loading_does_not_change_torch_global_random_state(model_path):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    load(model_path)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.slow
def test_round_trip_in_a_fresh_process(fitted, model_path):
    code = (
        "import json, sys, skgan\n"
        "gan = skgan.load(sys.argv[1])\n"
        "print(json.dumps(gan.sample(10).tolist()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(model_path)], capture_output=True, text=True, timeout=120, check=True
    )
    np.testing.assert_array_equal(np.array(json.loads(result.stdout)), fitted[0].sample(10))


def test_warm_start_after_load_continues_training(fitted, model_path):
    gan, X = fitted
    loaded = load(model_path).set_params(warm_start=True, max_iter=2).fit(X)
    assert loaded.n_iter_ == gan.n_iter_ + 2
    assert [record["epoch"] for record in loaded.history_] == [1, 2, 3, 4]
    assert loaded.history_[:2] == gan.history_
    continued = pickle.loads(pickle.dumps(gan)).set_params(warm_start=True, max_iter=2).fit(X)
    np.testing.assert_array_equal(loaded.sample(20), continued.sample(20))


def test_random_state_instance_is_not_kept_and_warns(tmp_path, tiny_sampler):
    X = np.random.RandomState(0).normal(size=(60, 2))
    gan = tiny_sampler(max_iter=1, random_state=np.random.RandomState(0)).fit(X)
    with pytest.warns(UserWarning, match="RandomState"):
        gan.save(tmp_path / "m")
    assert load(tmp_path / "m").random_state is None


def test_model_saved_from_cuda_loads_on_cpu_with_a_warning(fitted, tmp_path, monkeypatch):
    gan = pickle.loads(pickle.dumps(fitted[0]))
    gan.device_ = "cuda:0"
    gan.save(tmp_path / "m")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="cuda:0.*CPU"):
        loaded = load(tmp_path / "m")
    assert loaded.device_ == "cpu"
    assert next(loaded.generator_.parameters()).device.type == "cpu"
    np.testing.assert_array_equal(loaded.sample(5), fitted[0].sample(5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load(tmp_path / "m", device="cpu").device_ == "cpu"


def test_device_argument_overrides_and_is_checked(model_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA is not available"):
        load(model_path, device="cuda")


@pytest.mark.parametrize("dump", [pickle.dump, joblib.dump], ids=["pickle", "joblib"])
def test_pickle_and_joblib_round_trips(fitted, tmp_path, dump):
    gan, X = fitted
    path = tmp_path / "model.pkl"
    if dump is pickle.dump:
        with open(path, "wb") as file:
            pickle.dump(gan, file)
        with open(path, "rb") as file:
            loaded = pickle.load(file)
    else:
        joblib.dump(gan, path)
        loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.sample(30), gan.sample(30))
    np.testing.assert_array_equal(loaded.score_samples(X), gan.score_samples(X))


# --- what cannot be saved -------------------------------------------------


class TinyGenerator(nn.Module):
    def __init__(self, latent_dim, n_features):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent_dim, n_features), nn.Tanh())

    def forward(self, z):
        return self.net(z)


@pytest.mark.parametrize(
    "generator",
    [TinyGenerator, lambda latent_dim, n_features: TinyGenerator(latent_dim, n_features), TinyGenerator(4, 2)],
    ids=["class", "factory", "instance"],
)
def test_saving_a_custom_network_is_refused(generator, tmp_path, tiny_sampler):
    X = np.random.RandomState(0).normal(size=(40, 2))
    gan = tiny_sampler(generator=generator, max_iter=1).fit(X)
    with pytest.raises(ValueError, match="cannot save the generator.*pickle or joblib"):
        gan.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_saving_an_unfitted_estimator_raises_not_fitted(tmp_path):
    with pytest.raises(NotFittedError):
        GANSampler().save(tmp_path / "m")
    assert list(tmp_path.iterdir()) == []


def test_saving_other_objects_is_refused(tmp_path):
    with pytest.raises(ValueError, match="only GANSampler"):
        save(MLPGenerator(), tmp_path / "m")


# --- bad files ------------------------------------------------------------


def test_unknown_version_is_refused(model_path):
    rewrite(model_path, version=VERSION + 1, skgan_version="9.0")
    with pytest.raises(ValueError, match=rf"version {VERSION + 1} .*9\.0.*reads version {VERSION}\. Upgrade"):
        load(model_path)


def test_other_format_is_refused(model_path, tmp_path):
    rewrite(model_path, format="something.else")
    with pytest.raises(ValueError, match="not an skgan model file"):
        load(model_path)
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not an skgan model file"):
        load(tmp_path / "other.pt")


@pytest.mark.parametrize("damage", ["weight", "missing_key", "config"])
def test_damaged_contents_fail_the_checksum(model_path, damage):
    contents = torch.load(model_path, weights_only=True)
    if damage == "weight":
        contents["state"]["generator_"]["0.weight"][0, 0] += 1e-6
    elif damage == "missing_key":
        del contents["state"]["history_"]
    else:
        contents["config"] = contents["config"].replace('"latent_dim": 4', '"latent_dim": 5')
    torch.save(contents, model_path)
    with pytest.raises(ValueError, match="corrupted skgan model file .*checksum"):
        load(model_path)


def test_inconsistent_contents_with_a_valid_checksum_are_a_value_error(model_path):
    from skgan.persistence._format import digest

    contents = torch.load(model_path, weights_only=True)
    del contents["state"]["generator_"]["0.weight"]
    contents["sha256"] = digest(contents["config"], contents["state"])
    torch.save(contents, model_path)
    expected = r"not a valid skgan model file: its generator_ lacks the weights \['0\.weight'\]"
    with pytest.raises(ValueError, match=expected):
        load(model_path)


def flip(data, start, stop):
    return data[:start] + bytes(byte ^ 0xFF for byte in data[start:stop]) + data[stop:]


def first_tensor_offset(path, data):
    """Where the bytes of the first stored tensor start in the zip archive."""
    with zipfile.ZipFile(path) as archive:
        info = next(info for info in archive.infolist() if info.filename.endswith("/data/0"))
    header = info.header_offset
    name_length, extra_length = (int.from_bytes(data[at : at + 2], "little") for at in (header + 26, header + 28))
    return header + 30 + name_length + extra_length


@pytest.mark.parametrize(
    "damage, reason",
    [
        ("truncate", "truncated"),
        ("flip_tensor_bytes", "checksum"),
        ("flip_header_bytes", "truncated"),
        ("text", "truncated"),
        ("empty", "truncated"),
        ("pickled_code", "truncated"),
    ],
)
def test_damaged_or_foreign_files_are_a_value_error(model_path, damage, reason):
    data = model_path.read_bytes()
    if damage == "truncate":
        model_path.write_bytes(data[: len(data) // 2])
    elif damage == "flip_tensor_bytes":
        start = first_tensor_offset(model_path, data)
        model_path.write_bytes(flip(data, start, start + 8))
    elif damage == "flip_header_bytes":
        model_path.write_bytes(flip(data, 10, 40))
    elif damage == "text":
        model_path.write_text("height,weight\n1,2\n")
    elif damage == "empty":
        model_path.write_bytes(b"")
    else:
        torch.save({"format": "skgan.GANSampler", "hook": print}, model_path)
    with pytest.raises(ValueError, match=f"skgan model file.*{reason}") as info:
        load(model_path)
    assert "\n" not in str(info.value)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.skgan")


def test_failed_save_keeps_the_existing_file(fitted, model_path, monkeypatch):
    before = model_path.read_bytes()

    def broken_save(obj, file):
        file.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        fitted[0].save(model_path)
    assert model_path.read_bytes() == before
    assert [p.name for p in model_path.parent.iterdir()] == [model_path.name]


def test_round_trip_of_a_class_conditional_gan(tmp_path, tiny_sampler):
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(size=(40, 2)), rng.normal(5, 1, size=(20, 2))]
    y = np.array(["low"] * 40 + ["high"] * 20)
    gan = tiny_sampler(max_iter=1).fit(X, y)
    gan.save(tmp_path / "m")
    loaded = load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.classes_, gan.classes_)
    assert loaded.classes_.dtype == gan.classes_.dtype
    np.testing.assert_array_equal(loaded._fitted.class_prior, gan._fitted.class_prior)
    np.testing.assert_array_equal(loaded.sample(10, y="high"), gan.sample(10, y="high"))
    np.testing.assert_array_equal(loaded.score_samples(X), gan.score_samples(X))
    resumed = loaded.set_params(warm_start=True).fit(X, y)
    assert resumed.n_iter_ == 2


def test_params_changed_after_fit_are_saved_beside_the_fitted_networks(tmp_path, tiny_sampler):
    X = np.random.RandomState(0).normal(size=(60, 3))
    gan = tiny_sampler().fit(X)
    expected = gan.sample(10)
    gan.set_params(latent_dim=7, generator__hidden_layer_sizes=(5, 5))
    gan.save(tmp_path / "model.skgan")
    loaded = load(tmp_path / "model.skgan")
    np.testing.assert_array_equal(loaded.sample(10), expected)
    assert loaded.latent_dim == 7 and loaded.generator.hidden_layer_sizes == (5, 5)
    loaded.fit(X)  # the next cold fit uses the current parameters
    assert loaded.generator_[0].in_features == 7
