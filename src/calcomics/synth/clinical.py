"""Clinical table of the demo cohort.

With the defaults (316 patients) every count of the study's Table 1, the group sizes, the omics
availability and the medians and rates quoted in the Results section are reproduced exactly.
For any other cohort size the same proportions are allocated with largest-remainder rounding
inside each calcification group, so the marginals scale linearly.

Continuous variables are drawn from group-specific distributions whose direction follows the
paper (high-suspicion tumours larger with higher Ki-67; probably-benign patients older with
higher ER/PR scores) and whose effect sizes are calibrated so that, on the default demo, the
paper's p-values are reproduced within a factor 3 (docs/DEMO_CALIBRATION.md); age and Ki-67
medians are pinned to the published ones.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from calcomics.synth.calcification import GROUPS

# Group sizes of the published cohort (316 patients).
PUBLISHED_GROUP_SIZES: dict[str, int] = {
    "negative": 103,
    "probably_benign": 90,
    "low_moderate_suspicion": 23,
    "high_suspicion": 100,
}

# Counts per group in the order of GROUPS. Main groups: the paper's Table 1. The
# low-moderate-suspicion group (n = 23) is not tabulated in the paper; its counts are
# plausible values between the probably-benign and high-suspicion groups.
TABLE1_COUNTS: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "breast_density": {
        "a": (8, 4, 1, 1),  # entirely fatty
        "b": (54, 54, 14, 66),  # scattered fibroglandular
        "c": (34, 31, 8, 33),  # heterogeneously dense
        "d": (7, 1, 0, 0),  # extremely dense
    },
    "focal_asymmetry": {"present": (15, 21, 4, 18), "absent": (88, 69, 19, 82)},
    "architectural_distortion": {"present": (40, 29, 9, 42), "absent": (63, 61, 14, 58)},
    "lymph_node_status": {"negative": (51, 50, 11, 38), "positive": (52, 40, 12, 62)},
    "lymphovascular_invasion": {
        "present": (46, 30, 10, 58),
        "absent": (55, 56, 12, 41),
        "unknown": (2, 4, 1, 1),
    },
    "histological_grade": {
        "I": (4, 1, 1, 1),
        "II": (67, 67, 16, 64),
        "III": (24, 18, 5, 32),
        "unknown": (8, 4, 1, 3),
    },
}

# BI-RADS calcification assessments inside each group (the paper gives only group totals).
BIRADS_COUNTS: dict[str, dict[str, int]] = {
    "negative": {"none": 103},
    "probably_benign": {"2": 31, "3": 59},
    "low_moderate_suspicion": {"4A": 13, "4B": 10},
    "high_suspicion": {"4C": 71, "5": 29},
}

# Omics availability per group: WES 271 (copy number from WES for 93/83/88 of the main
# groups), RNA-seq 312 (PAM50 denominators 103/89/98), lipidomics = polar metabolomics 196.
OMICS_COUNTS: dict[str, tuple[int, int, int, int]] = {
    "has_wes": (93, 83, 7, 88),
    "has_rnaseq": (103, 89, 22, 98),
    "has_metabolomics": (64, 56, 14, 62),
}

# Relapse among patients with follow-up (Figure 2G: 46.2 % of relapsed vs 33.5 % of
# non-relapsed patients had high-suspicion calcifications; 26 relapsed, 263 relapse-free,
# 4 patients of the main groups without follow-up).
RELAPSE_COUNTS: dict[str, tuple[int, int, int, int]] = {
    "relapsed": (9, 5, 2, 12),
    "relapse_free": (92, 83, 20, 88),
    "no_follow_up": (2, 2, 1, 0),
}

# Published group medians (Table 1 and Results): age and Ki-67.
PUBLISHED_MEDIANS: dict[str, dict[str, float]] = {
    "age_years": {
        "negative": 55,
        "probably_benign": 58,
        "low_moderate_suspicion": 55,
        "high_suspicion": 52.5,
    },
    "ki67_ihc_pct": {
        "negative": 20,
        "probably_benign": 20,
        "low_moderate_suspicion": 25,
        "high_suspicion": 30,
    },
}

# SNF subtype counts per group at the default cohort, among RNA-seq patients (the rest have
# no SNF subtype). The paper quotes only the SNF3 shares (27.1 % / 29.4 % / 49.2 %, Fisher
# P = 0.064) without denominators: 23/85, 25/85 and 30/61 are the smallest typed counts
# that reproduce the three shares to one decimal, and the other subtypes are split so that
# Fisher's exact test over the 4 subtypes x 3 groups gives P = 0.065 (immune-like SNF2
# commoner in calcification-negative tumours, SNF1 in probably-benign ones). The
# low-moderate group (not reported) gets 18 typed tumours. Other cohort sizes scale the
# counts with the group's RNA-seq count (largest remainder).
SNF_COUNTS: dict[str, dict[str, int]] = {
    "negative": {"SNF1": 22, "SNF2": 22, "SNF3": 23, "SNF4": 18},
    "probably_benign": {"SNF1": 26, "SNF2": 14, "SNF3": 25, "SNF4": 20},
    "low_moderate_suspicion": {"SNF1": 4, "SNF2": 4, "SNF3": 6, "SNF4": 4},
    "high_suspicion": {"SNF1": 10, "SNF2": 8, "SNF3": 30, "SNF4": 13},
}


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts summing to ``total`` proportional to ``weights`` (Hamilton's method).

    Ties in the remainders go to the earlier category, so the result is deterministic.
    """
    weights = np.asarray(weights, dtype=float)
    if total == 0 or weights.sum() == 0:
        return np.zeros(len(weights), dtype=int)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    short = total - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def group_sizes(n_patients: int) -> dict[str, int]:
    """Calcification-group sizes for a cohort of ``n_patients`` (exact at 316)."""
    sizes = largest_remainder(n_patients, np.array([PUBLISHED_GROUP_SIZES[g] for g in GROUPS]))
    return dict(zip(GROUPS, sizes.tolist(), strict=True))


def _scaled_counts(published: int, published_group: int, group_n: int) -> float:
    return published / published_group * group_n


def allocate_categories(
    group_n: int, group: str, counts: Mapping[str, tuple[int, int, int, int]]
) -> dict[str, int]:
    """Category counts inside one group, scaled from the published counts."""
    g = GROUPS.index(group)
    published = np.array([c[g] for c in counts.values()])
    scaled = largest_remainder(group_n, published)
    return dict(zip(counts.keys(), scaled.tolist(), strict=True))


def shuffled_labels(counts: Mapping[str, int], rng: np.random.Generator) -> np.ndarray:
    """An array holding each label exactly ``counts[label]`` times, in random order."""
    labels = np.repeat(np.array(list(counts.keys()), dtype=object), list(counts.values()))
    return rng.permutation(labels)


def values_around_median(
    z: np.ndarray,
    median: float,
    spread: tuple[float, float],
    step: float,
    bounds: tuple[float, float],
) -> np.ndarray:
    """Values whose median is exactly ``median``, from standard-normal draws ``z``.

    The draws are centred on their own median and scaled by ``spread[0]`` below it and
    ``spread[1]`` above it (a skewed group gets a longer upper tail), rounded to ``step``
    and clipped to ``bounds``; then the middle order statistics are set to the median (for
    an even count to the two steps around it) and every other value is kept on its side,
    so ``np.median`` returns ``median``. The rank order of the draws is preserved.
    """
    n = len(z)
    if n == 0:
        return np.array([], dtype=float)
    centred = z - np.median(z)
    raw = median + np.where(centred < 0, spread[0], spread[1]) * centred
    values = np.clip(np.round(raw / step) * step, *bounds)
    order = np.argsort(z, kind="stable")
    if n % 2:
        half = (n - 1) // 2
        middle = np.array([median])
        low_mid = high_mid = median
    else:
        half = n // 2 - 1
        low_mid = np.floor(median / step) * step
        high_mid = 2 * median - low_mid
        middle = np.array([low_mid, high_mid])
    lower, upper = order[:half], order[n - half:]
    values[lower] = np.minimum(values[lower], low_mid)
    values[upper] = np.maximum(values[upper], high_mid)
    values[order[half:n - half]] = middle
    return values


# Continuous clinicopathology per group, calibrated on the default demo (316 patients,
# seed 0) so that the paper's Wilcoxon / Kruskal-Wallis p-values land within a factor 3
# (docs/DEMO_CALIBRATION.md). Age and Ki-67 medians are the published ones; the spreads
# below / above the median set how much the groups overlap.
AGE_SPREAD: dict[str, tuple[float, float]] = {
    "negative": (11.0, 11.0),
    "probably_benign": (11.0, 11.0),
    "low_moderate_suspicion": (11.0, 11.0),
    "high_suspicion": (11.0, 11.0),
}
# Ki-67: the negative group has a long upper tail (high suspicion vs negative not
# significant, P = 0.184), the probably-benign group a short one (vs high suspicion
# P < 0.001).
KI67_SPREAD: dict[str, tuple[float, float]] = {
    "negative": (10.0, 26.0),
    "probably_benign": (7.0, 12.0),
    "low_moderate_suspicion": (10.0, 18.0),
    "high_suspicion": (14.0, 18.0),
}
# Median tumour size (cm) of the log-normal size distribution.
TUMOR_SIZE_MEDIAN_CM: dict[str, float] = {
    "negative": 2.1,
    "probably_benign": 2.025,
    "low_moderate_suspicion": 2.3,
    "high_suspicion": 2.45,
}
TUMOR_SIZE_LOG_SD = 0.45
ER_MEAN_PCT: dict[str, float] = {
    "negative": 80.0,
    "probably_benign": 86.0,
    "low_moderate_suspicion": 82.0,
    "high_suspicion": 80.0,
}
PR_MEAN_PCT: dict[str, float] = {
    "negative": 45.0,
    "probably_benign": 49.0,
    "low_moderate_suspicion": 45.0,
    "high_suspicion": 35.0,
}


def _continuous_for_group(group: str, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Age, tumour size and IHC scores for ``n`` patients of one group.

    One block of standard-normal draws per group (a fixed number of draws whatever the
    parameters), transformed with the group's parameters above.
    """
    z = rng.standard_normal((5, n))
    age = values_around_median(
        z[0], PUBLISHED_MEDIANS["age_years"][group], AGE_SPREAD[group], 1.0, (26.0, 88.0)
    )
    ki67 = values_around_median(
        z[1], PUBLISHED_MEDIANS["ki67_ihc_pct"][group], KI67_SPREAD[group], 5.0, (1.0, 90.0)
    )
    size = np.exp(np.log(TUMOR_SIZE_MEDIAN_CM[group]) + TUMOR_SIZE_LOG_SD * z[2])
    tumor_size = np.round(np.clip(size, 0.3, 9.5), 1)
    er = np.clip(np.round(np.clip(ER_MEAN_PCT[group] + 12 * z[3], 1, 99) / 5) * 5, 1, 99)
    pr = np.round(np.clip(PR_MEAN_PCT[group] + 28 * z[4], 0, 95) / 5) * 5
    return {
        "age_years": age.astype(int),
        "tumor_size_cm": tumor_size,
        "er_ihc_pct": er.astype(int),
        "pr_ihc_pct": pr.astype(int),
        "ki67_ihc_pct": ki67.astype(int),
    }


def _nodes_follow_size(
    node_labels: np.ndarray, tumor_size: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Give positive-node labels preferentially to larger tumours (counts unchanged)."""
    n_positive = int((node_labels == "positive").sum())
    score = np.log(tumor_size) + rng.normal(0, 0.5, len(tumor_size))
    order = np.argsort(-score, kind="stable")
    result = np.full(len(tumor_size), "negative", dtype=object)
    result[order[:n_positive]] = "positive"
    return result


# Weibull scale (months) of the time to relapse, calibrated on the default demo so that
# the two-stage test of probably benign vs the rest lands near the published P = 0.142
# (fewer relapses in probably benign; the curves do not separate significantly).
RFS_SCALE_MONTHS: dict[str, float] = {
    "negative": 35.0,
    "probably_benign": 70.0,
    "low_moderate_suspicion": 35.0,
    "high_suspicion": 25.0,
}


def _relapse_free_survival(
    group: str, relapse_labels: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """RFS months and event flags; relapses earliest in the high-suspicion group.

    Follow-up of a 2013-2014 surgical cohort: censoring between about 60 and 96 months.
    """
    n = len(relapse_labels)
    scale = RFS_SCALE_MONTHS[group]
    event_time = np.clip(rng.weibull(1.4, n) * scale, 2.0, 58.0)
    censor_time = rng.uniform(60.0, 96.0, n)
    is_relapse = relapse_labels == "relapsed"
    months = np.where(is_relapse, event_time, censor_time).round(1)
    event = is_relapse.astype(float)
    missing = relapse_labels == "no_follow_up"
    months[missing] = np.nan
    event[missing] = np.nan
    return months, event


def snf_counts(group: str, n_rnaseq: int) -> dict[str, int]:
    """SNF subtype counts of a group with ``n_rnaseq`` RNA-seq patients (exact at 316)."""
    published = SNF_COUNTS[group]
    published_rnaseq = round(OMICS_COUNTS["has_rnaseq"][GROUPS.index(group)])
    typed = min(n_rnaseq, round(sum(published.values()) * n_rnaseq / published_rnaseq))
    counts = largest_remainder(typed, np.array(list(published.values())))
    return dict(zip(published.keys(), counts.tolist(), strict=True))


def _snf_subtypes(group: str, has_rnaseq: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """SNF subtype per patient: exact counts among the RNA-seq patients, others empty."""
    rnaseq = np.flatnonzero(has_rnaseq)
    counts = snf_counts(group, rnaseq.size)
    counts["untyped"] = rnaseq.size - sum(counts.values())
    labels = shuffled_labels(counts, rng)
    out = np.full(len(has_rnaseq), None, dtype=object)
    out[rnaseq] = np.where(labels == "untyped", None, labels)
    return out


def simulate_clinical(n_patients: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per patient: calcification group, clinicopathology, omics availability, RFS.

    The frame carries the generator's internal columns (``calcification_group``,
    ``has_wes`` …) used by the omics simulators; :func:`clinical_raw_frame` selects the
    columns of the raw ``clinical.csv``.

    The continuous variables and the follow-up come from their own child streams of
    ``rng`` (``Generator.spawn``), so a change in how labels are drawn never moves the
    calibrated effect sizes (docs/DEMO_CALIBRATION.md).
    """
    continuous_rng, survival_rng = rng.spawn(2)
    sizes = group_sizes(n_patients)
    frames = []
    for group in GROUPS:
        n = sizes[group]
        if n == 0:
            continue
        columns: dict[str, np.ndarray] = {"calcification_group": np.full(n, group, dtype=object)}
        columns["calcification_birads"] = shuffled_labels(
            dict(
                zip(
                    BIRADS_COUNTS[group].keys(),
                    largest_remainder(n, np.array(list(BIRADS_COUNTS[group].values()))).tolist(),
                    strict=True,
                )
            ),
            rng,
        )
        for characteristic, counts in TABLE1_COUNTS.items():
            columns[characteristic] = shuffled_labels(allocate_categories(n, group, counts), rng)
        columns.update(_continuous_for_group(group, n, continuous_rng))
        columns["lymph_node_status"] = _nodes_follow_size(
            columns["lymph_node_status"], columns["tumor_size_cm"], rng
        )
        g = GROUPS.index(group)
        published_n = PUBLISHED_GROUP_SIZES[group]
        for flag, counts in OMICS_COUNTS.items():
            k = round(_scaled_counts(counts[g], published_n, n))
            columns[flag] = rng.permutation(np.arange(n) < k)
        relapse = shuffled_labels(allocate_categories(n, group, RELAPSE_COUNTS), survival_rng)
        columns["rfs_months"], columns["rfs_event"] = _relapse_free_survival(
            group, relapse, survival_rng
        )
        columns["endocrine_therapy"] = survival_rng.random(n) < 0.9
        columns["her2_ihc"] = rng.choice(np.array(["0", "1+", "2+"]), n, p=[0.35, 0.45, 0.20])
        columns["snf_subtype"] = _snf_subtypes(group, columns["has_rnaseq"], rng)
        frames.append(pd.DataFrame(columns))

    patients = pd.concat(frames, ignore_index=True)
    # Interleave the groups: patient ids carry no group information.
    patients = patients.iloc[rng.permutation(len(patients))].reset_index(drop=True)
    patients.insert(0, "patient_id", [f"P{i:04d}" for i in range(1, len(patients) + 1)])
    patients["has_lipidomics"] = patients["has_metabolomics"]
    patients["has_polar_metabolomics"] = patients["has_metabolomics"]
    return patients.drop(columns="has_metabolomics")


# Columns of the raw clinical.csv, in file order.
CLINICAL_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "age_years",
    "calcification_birads",
    "breast_density",
    "focal_asymmetry",
    "architectural_distortion",
    "tumor_size_cm",
    "lymph_node_status",
    "lymphovascular_invasion",
    "histological_grade",
    "er_ihc_pct",
    "pr_ihc_pct",
    "ki67_ihc_pct",
    "her2_ihc",
    "snf_subtype",
    "endocrine_therapy",
    "rfs_months",
    "rfs_event",
)


def clinical_raw_frame(patients: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``clinical.csv`` as a hospital export would hold them."""
    raw = patients.loc[:, list(CLINICAL_COLUMNS)].copy()
    raw["endocrine_therapy"] = np.where(raw["endocrine_therapy"], "yes", "no")
    raw["rfs_event"] = raw["rfs_event"].astype("Int64")
    return raw
