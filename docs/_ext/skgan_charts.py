"""Charts and tables drawn from ``benchmarks/results/*.json`` while the docs build.

A page asks for one with a directive (MyST syntax shown)::

    ```{benchmark-chart} tables-c2st
    ```

    ```{benchmark-table} tables-c2st
    ```

    ```{benchmark-run} tabular.json
    ```

``benchmark-chart`` draws a PNG with matplotlib into ``docs/_charts/`` (not
committed; the build copies it into the site) and prints the run it comes
from under it: the date, the commit that last changed the result file, the
package versions and the machine, all read from the file's ``environment``
record and from git. ``benchmark-table`` writes one table per metric from the
same files, and ``benchmark-run`` the run line alone. A result file that is
missing or unreadable gives a note in the page, not a failed build. A page is
read again when one of its result files changes.
"""

import json
import subprocess
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
CHARTS = Path(__file__).resolve().parents[1] / "_charts"

logger = logging.getLogger(__name__)

# The tables benchmark: its models in the order of the tables and charts, with
# the names readers see.
TABLE_MODELS = {
    "real": "real rows",
    "skgan": "skgan",
    "ctgan": "CTGAN",
    "tvae": "TVAE",
    "copula": "copula",
    "arf": "ARF",
    "gmm": "mixture",
    "marginals": "marginals",
}
MODEL_STYLE = {  # colour, marker
    "real": ("#7f7f7f", "|"),
    "skgan": ("#1f77b4", "o"),
    "ctgan": ("#d62728", "s"),
    "tvae": ("#ff7f0e", "P"),
    "copula": ("#9467bd", "X"),
    "arf": ("#8c564b", "D"),
    "gmm": ("#2ca02c", "^"),
    "marginals": ("#bcbd22", "v"),
}
TABLE_METRICS = {
    # name: (key in the results' means, axis label, lower is better, log axis, digits)
    "c2st": ("c2st_hgb", "two-sample AUC, gradient boosting (0.5: indistinguishable)", True, False, 3),
    "c2st-logistic": ("c2st_logistic", "two-sample AUC, logistic regression (0.5: indistinguishable)", True, False,
                      3),
    "tstr": ("tstr", "TSTR on real held-out rows: ROC AUC or R² (higher is better)", False, False, 3),
    "fit": ("fit_cpu_seconds", "fit CPU seconds, one thread (log scale)", True, True, 1),
    "wall": ("fit_seconds", "fit wall seconds (log scale)", True, True, 1),
}
TABLE_FILES = ("tabular.json",)


class MissingResults(Exception):
    """A result file the chart needs is missing or unreadable."""


def read_result(name):
    path = RESULTS / name
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise MissingResults(f"benchmarks/results/{name} could not be read ({error.__class__.__name__})") from None


def last_commit(name):
    """The short hash and date of the commit that last changed a result file, or None."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%h %cs", "--", f"benchmarks/results/{name}"],
            cwd=ROOT, capture_output=True, text=True, timeout=20, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def run_line(names):
    """One sentence per result file: date, commit, versions and machine of its run."""
    lines = []
    for name in names:
        data = read_result(name)
        env = data.get("environment") or {}
        parts = [f"benchmarks/results/{name}"]
        parts.append(f"run {env['date']}" if env.get("date") else "run date not recorded")
        commit = last_commit(name)
        parts.append(f"committed in {commit}" if commit else "not committed")
        versions = [f"{package} {env[package]}" for package in ("skgan", "torch", "numpy", "sklearn", "pandas")
                    if env.get(package)]
        if env.get("ctgan"):
            ctgan = env["ctgan"]
            versions.append(f"ctgan {ctgan[0] if isinstance(ctgan, list) else ctgan}")
        if versions:
            parts.append(", ".join(versions))
        machine = []
        if env.get("machine"):
            machine.append(env["machine"])
        if env.get("cpu_count"):
            machine.append(f"{env['cpu_count']} CPU cores")
        if env.get("threads"):
            machine.append(f"{env['threads']} torch thread{'s' if env['threads'] != 1 else ''}")
        if env.get("loadavg"):
            machine.append(f"load {env['loadavg'][0]:.1f}")
        if machine:
            parts.append(" ".join(machine[:1]) + (", " + ", ".join(machine[1:]) if machine[1:] else ""))
        lines.append("; ".join(parts) + ".")
    return lines


def summary_line(names):
    """One sentence for several result files: the span of their dates, commits and versions."""
    environments = [read_result(name).get("environment") or {} for name in names]
    dates = sorted(env["date"][:10] for env in environments if env.get("date"))
    commits = [commit for commit in (last_commit(name) for name in names) if commit]
    newest = max(commits, key=lambda commit: commit.split()[-1]) if commits else None
    versions = {}
    for env in environments:
        for package in ("skgan", "torch", "numpy", "sklearn"):
            if env.get(package):
                versions.setdefault(package, set()).add(env[package])
    machines = {(env.get("machine"), env.get("cpu_count")) for env in environments if env.get("machine")}
    text = f"Runs of {len(names)} benchmarks"
    if dates:
        text += f", {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "")
    if newest:
        text += f"; results last committed in {newest}"
    if versions:
        text += "; " + ", ".join(f"{package} {' / '.join(sorted(found))}" for package, found in versions.items())
    if machines:
        text += "; " + " / ".join(f"{machine}, {cores} CPU cores" for machine, cores in sorted(machines, key=str))
    return text + ". Each chart names its own run."


# ---------------------------------------------------------------- the tables benchmark
def table_rows():
    """{table: {model: means over the seeds}} and each table's training rows and target, from the results file."""
    by_table, n_train = {}, {}
    for name in TABLE_FILES:
        data = read_result(name)
        for row in data["rows"]:
            n_train.setdefault(row["table"], row.get("n_train"))
        for entry in data["means"]:
            by_table.setdefault(entry["table"], {})[entry["model"]] = entry
    return by_table, n_train


def _table_label(table, rows, n_train):
    entry = next(iter(rows.values()), {})
    score = {"auc": "AUC", "r2": "R²"}.get(entry.get("tstr_score"), "")
    return f"{table} ({n_train[table]:,}; {entry.get('target', '?')}, {score})"


def draw_tables_chart(metric, path):
    import matplotlib.pyplot as plt

    key, label, _, log, _ = TABLE_METRICS[metric]
    by_table, n_train = table_rows()
    names = list(by_table)
    models = [model for model in TABLE_MODELS if any(model in rows for rows in by_table.values())]
    if metric in ("fit", "wall"):
        models = [model for model in models if model not in ("real", "marginals")]
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(names) + 1.4), dpi=120)
    spread = 0.6
    for index, model in enumerate(models):
        colour, marker = MODEL_STYLE[model]
        offset = (index - (len(models) - 1) / 2) * spread / max(len(models) - 1, 1)
        xs, ys = [], []
        for row_index, table in enumerate(names):
            row = by_table[table].get(model)
            if row is not None and row.get(key) is not None and (not log or row[key] > 0):
                xs.append(row[key])
                ys.append(row_index + offset)
        style = {"s": 140, "linewidths": 2.5} if marker == "|" else {"s": 36, "linewidths": 0.5, "edgecolors": "white"}
        ax.scatter(xs, ys, color=colour, marker=marker, label=TABLE_MODELS[model], zorder=3, **style)
    ax.set_yticks(range(len(names)), [f"{table} ({n_train[table]:,} rows)" for table in names])
    ax.invert_yaxis()
    for row_index in range(len(names) - 1):
        ax.axhline(row_index + 0.5, color="#dddddd", linewidth=0.8)
    if log:
        ax.set_xscale("log")
    if metric.startswith("c2st"):
        ax.axvline(0.5, color="#999999", linestyle=":", linewidth=1)
    ax.set_xlabel(label)
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16 - 0.3 / len(names)), ncol=min(len(models), 4),
              frameon=False, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return list(TABLE_FILES)


def tables_table(metric):
    key, _, lower_better, _, digits = TABLE_METRICS[metric]
    by_table, n_train = table_rows()
    models = [model for model in TABLE_MODELS if any(model in rows for rows in by_table.values())]
    if metric in ("fit", "wall"):
        models = [model for model in models if model not in ("real", "marginals")]
    label = "table (rows; target)" if metric == "tstr" else "table (training rows)"
    header = [label] + [TABLE_MODELS[model] for model in models]
    body = []
    for table, rows in by_table.items():
        values = {model: rows[model].get(key) for model in models if model in rows}
        candidates = {model: value for model, value in values.items()
                      if value is not None and model not in ("real", "marginals")}
        best = (min if lower_better else max)(candidates, key=candidates.get) if candidates else None
        cells = [_table_label(table, rows, n_train) if metric == "tstr" else f"{table} ({n_train[table]:,})"]
        for model in models:
            value = values.get(model)
            text = "" if value is None else f"{value:,.{digits}f}"
            cells.append((text, model == best))
        body.append(cells)
    return header, body, list(TABLE_FILES)


# ---------------------------------------------------------------- engines
def engine_bars():
    """(label, ratio, goal, what the ratio is to) for the engines' benchmarks."""
    bars = []
    for name, title in (("parzen.json", "Parzen, 10k × 10k × 784"), ("parzen_mnist.json", "Parzen, MNIST")):
        results = read_result(name)["results"]
        for dtype in ("float64", "float32"):
            bars.append((f"{title}, {dtype}", results[dtype]["ratio_to_floor"], 1.3, "matmul floor"))
    for name, title in (("sampling.json", "sample(1,000,000), 64 features"),
                        ("sampling_784.json", "sample(1,000,000), 784 features")):
        figures = read_result(name)["figures"]
        bars.append((title, figures["ratio_gansampler_over_floor"], 1.3, "matmul floor"))
    mmd = read_result("metrics_mmd.json")
    bars.append(("MMD², 20k × 20k × 784", mmd["statistic"]["ratio_to_floor"], mmd["goals"]["ratio_to_floor"],
                 "matmul floor"))
    training = read_result("training.json")["figures"]
    bars.append(("one training epoch, 20k × 64", training["ratio_gansampler_over_hand_written"], 1.05,
                 "hand-written loop"))
    return bars, ["parzen.json", "parzen_mnist.json", "sampling.json", "sampling_784.json", "metrics_mmd.json",
                  "training.json"]


def draw_engine_chart(path):
    import matplotlib.pyplot as plt

    bars, files = engine_bars()
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(bars) + 1.2), dpi=120)
    ys = range(len(bars))
    colours = ["#1f77b4" if ratio <= goal else "#ff7f0e" for _, ratio, goal, _ in bars]
    ax.barh(ys, [ratio for _, ratio, _, _ in bars], color=colours, zorder=2)
    for y, (_, ratio, goal, floor) in zip(ys, bars, strict=True):
        ax.plot([goal, goal], [y - 0.4, y + 0.4], color="black", linewidth=2, zorder=3)
        ax.text(max(ratio, goal) + 0.05, y, f"{ratio:.2f}" + ("" if floor == "matmul floor" else f" of the {floor}"),
                va="center", fontsize=9)
    ax.axvline(1.0, color="#555555", linewidth=1, zorder=1)
    ax.set_yticks(list(ys), [label for label, *_ in bars])
    ax.invert_yaxis()
    ax.set_xlim(0, max(ratio for _, ratio, _, _ in bars) * 1.25)
    ax.set_xlabel("time ÷ floor (1.0 = the floor; black tick = goal; orange = goal not met)")
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return files


# ---------------------------------------------------------------- scaling out
def draw_distributed_chart(path):
    import matplotlib.pyplot as plt

    data = read_result("distributed.json")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=120)
    labels, one, two = [], [], []
    for run in data["runs"]:
        labels.append("batch norm" if run["generator_batch_norm"] else "no batch norm")
        one.append(run["one_process_two_threads_epoch_s"])
        two.append(run["two_ranks_one_thread_epoch_s"])
    xs = range(len(labels))
    left.bar([x - 0.2 for x in xs], one, width=0.4, label="1 process × 2 threads", color="#1f77b4")
    left.bar([x + 0.2 for x in xs], two, width=0.4, label="2 Gloo ranks × 1 thread", color="#ff7f0e")
    for x, a, b in zip(xs, one, two, strict=True):
        left.text(x + 0.2, b, f"{b / a:.1f}× slower", ha="center", va="bottom", fontsize=8)
    left.set_xticks(list(xs), labels)
    left.set_ylabel("seconds per epoch (measured)")
    left.set_title("Measured: one 2-core CPU machine", fontsize=10)
    left.set_ylim(0, max(two) * 1.2)
    left.legend(frameon=False, fontsize=8, loc="upper right")
    ranks = sorted({row["ranks"] for row in data["projection"]})
    right.plot([1] + ranks, [1] + ranks, color="#999999", linestyle=":", label="ideal")
    for compute, colour in (("assumed GPU step", "#2ca02c"), ("CPU step measured here", "#9467bd")):
        rows = sorted((row for row in data["projection"] if row["compute"] == compute), key=lambda r: r["ranks"])
        if rows:
            right.plot([1] + [row["ranks"] for row in rows],
                       [1] + [row["ranks"] * row["scaling_efficiency"] for row in rows],
                       marker="o", color=colour, label=f"projected, {compute}")
    right.set_xscale("log", base=2)
    right.set_yscale("log", base=2)
    right.set_xticks([1] + ranks, [str(r) for r in [1] + ranks])
    right.set_yticks([1] + ranks, [str(r) for r in [1] + ranks])
    right.set_xlabel("GPUs (8 per node)")
    right.set_ylabel("speed-up over one GPU")
    right.set_title("Projected: weak scaling, ring all-reduce", fontsize=10)
    right.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return ["distributed.json"]


CHARTS_BY_NAME = {
    **{f"tables-{metric}": (lambda path, metric=metric: draw_tables_chart(metric, path)) for metric in TABLE_METRICS},
    "engines": draw_engine_chart,
    "distributed": draw_distributed_chart,
}
TABLES_BY_NAME = {f"tables-{metric}": (lambda metric=metric: tables_table(metric)) for metric in TABLE_METRICS}


# ---------------------------------------------------------------- directives
def note(text):
    node = nodes.admonition(classes=["note"])
    node += nodes.title(text="Note")
    node += nodes.paragraph(text=text)
    return node


def run_paragraphs(files):
    paragraph = nodes.paragraph(classes=["benchmark-run"])
    paragraph += nodes.emphasis(text=" ".join(run_line(files)))
    return paragraph


class BenchmarkDirective(SphinxDirective):
    def depend(self, files):
        for name in files:
            self.env.note_dependency(str(RESULTS / name))


class BenchmarkChart(BenchmarkDirective):
    """A chart drawn from benchmark results, with the run's date, commit, versions and machine under it."""

    required_arguments = 1
    option_spec = {"alt": directives.unchanged}

    def run(self):
        name = self.arguments[0]
        if name not in CHARTS_BY_NAME:
            raise self.error(f"unknown benchmark chart {name!r}; known: {sorted(CHARTS_BY_NAME)}")
        CHARTS.mkdir(exist_ok=True)
        path = CHARTS / f"{name}.png"
        try:
            files = CHARTS_BY_NAME[name](path)
        except MissingResults as error:
            return [note(f"The chart {name!r} is not shown: {error}. Run the benchmark to draw it.")]
        self.depend(files)
        figure = nodes.figure(classes=["benchmark-chart"])
        image = nodes.image(uri=f"/_charts/{name}.png", alt=self.options.get("alt", name))
        figure += image
        caption = nodes.caption()
        caption += nodes.Text(" ".join(run_line(files)))
        figure += caption
        return [figure]


class BenchmarkTable(BenchmarkDirective):
    """One metric of a benchmark as a table, the best generator of each row in bold."""

    required_arguments = 1

    def run(self):
        name = self.arguments[0]
        if name not in TABLES_BY_NAME:
            raise self.error(f"unknown benchmark table {name!r}; known: {sorted(TABLES_BY_NAME)}")
        try:
            header, body, files = TABLES_BY_NAME[name]()
        except MissingResults as error:
            return [note(f"The table {name!r} is not shown: {error}.")]
        self.depend(files)
        table = nodes.table(classes=["benchmark-table"])
        group = nodes.tgroup(cols=len(header))
        table += group
        for _ in header:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        group += head
        head += self.row([(text, False) for text in header])
        tbody = nodes.tbody()
        group += tbody
        for cells in body:
            tbody += self.row([(cells[0], False)] + cells[1:])
        return [table]

    @staticmethod
    def row(cells):
        row = nodes.row()
        for text, strong in cells:
            entry = nodes.entry()
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(text=text) if strong else nodes.Text(text)
            entry += paragraph
            row += entry
        return row


class BenchmarkRun(BenchmarkDirective):
    """The date, commit, versions and machine of the runs behind a page's figures."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"summary": directives.flag}

    def run(self):
        files = self.arguments[0].split()
        try:
            if "summary" in self.options:
                paragraph = nodes.paragraph(classes=["benchmark-run"])
                paragraph += nodes.emphasis(text=summary_line(files))
            else:
                paragraph = run_paragraphs(files)
        except MissingResults as error:
            return [note(str(error))]
        self.depend(files)
        return [paragraph]


def setup(app):
    app.add_directive("benchmark-chart", BenchmarkChart)
    app.add_directive("benchmark-table", BenchmarkTable)
    app.add_directive("benchmark-run", BenchmarkRun)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
