"""Synthetic tissue lipidomics and polar metabolomics of the demo cohort.

Two feature x sample matrices of positive, peak-area-like abundances (log-normal, no missing
values) and one annotation table:

* lipidomics: ~600 lipid species in LIPID MAPS-style notation over 20 subclasses (TG, DG, MG,
  PC, PE, PI, PS, PG, PA, LPC, LPE, LPI, PC-O, PE-P, SM, Cer, HexCer, CE, FA, CAR); free
  fatty acids and two acylcarnitines carry their KEGG compound id, other lipids none;
* polar: 250 metabolites, each a real KEGG compound of the mummichog human MFN model
  (:func:`calcomics.reference.kegg_compound_pathways`), named by the model's first synonym.

The feature catalogue (ids, names, classes, which features carry a planted effect) is fixed:
it does not depend on the random generator. Abundances do.

Planted biology (the paper's metabolomic results). Each feature belongs to at most one
program; a fixed minority carries its effect (log2 shift per group below): 45 % of the polar
features of a program and 30 % of the lipid species (the rest are null). Per-feature
group-vs-rest Wilcoxon + BH FDR < 0.05 with |log2FC| > 1 flags them, and since pathways mix
programs (hub compounds such as AMP or CoA shared by opposite programs carry no effect) the
DA score of every planted pathway (:data:`PLANTED_PATHWAYS`) has the program's sign. The
noise level is set so that the polar Spearman network after the paper's filter (rho > 0.4,
FDR < 0.05, 3-core) is a readable network of a few program modules (about 70 nodes,
density ~13 % at the default demo) rather than a hairball:

* ``lipid`` (all lipid subclasses, and polar members of fatty-acid / glycerophospholipid
  pathways): up in ``probably_benign``, down in ``negative``;
* ``vitamin`` (thiamin and the other B-vitamin pathways): up in ``negative``, down in
  ``probably_benign``;
* ``amino_acid`` (tryptophan and the other amino-acid pathways): up in ``high_suspicion``.

The log2 fold change of a group against the rest of a planted feature is ~1.2-1.8 at the
default cohort. The
matrices must not be normalised per sample (median / total-signal scaling) before testing:
the lipid program shifts most lipid species together, which such scaling would cancel.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations_with_replacement

import numpy as np
import pandas as pd

from calcomics.reference import kegg_compound_pathways
from calcomics.synth.calcification import GROUPS

ANNOTATION_COLUMNS: tuple[str, ...] = (
    "feature_id",
    "feature_name",
    "platform",
    "metabolite_class",
    "kegg_compound_id",
    "lipid_subclass",
)

# Direction of each program per group (multiplied by the feature's effect size, log2 units).
PROGRAM_DIRECTIONS: dict[str, dict[str, float]] = {
    "lipid": {"negative": -1.0, "probably_benign": 1.0},
    "vitamin": {"negative": 1.0, "probably_benign": -1.0},
    "amino_acid": {"high_suspicion": 1.0},
}
# Effect-size range per program (log2 units of the group shift).
PROGRAM_EFFECT_RANGE: dict[str, tuple[float, float]] = {
    "lipid": (0.9, 1.15),
    "vitamin": (0.9, 1.15),
    "amino_acid": (1.2, 1.5),
}
# Share of lipid species, and of polar metabolites of a program's pathways, that carry the
# program's effect (the rest are null): a minority of features differ, as in real tissue
# metabolomics, and the polar correlation network stays readable (docs/DEMO_CALIBRATION.md).
PLANTED_FRACTION = 0.30
POLAR_PLANTED_FRACTION = 0.45
# Loading range of each feature on its metabolite-class factor (correlated blocks) and range
# of the per-feature noise SD (log2 units).
_CLASS_LOADING = (0.05, 0.2)
_NOISE_SD = (0.85, 1.15)

VITAMIN_PATHWAYS: tuple[str, ...] = (
    "Vitamin B1 (thiamin) metabolism",
    "Vitamin B6 (pyridoxine) metabolism",
    "Vitamin B2 (riboflavin) metabolism",
    "Vitamin B5 - CoA biosynthesis from pantothenate",
    "Vitamin B9 (folate) metabolism",
    "Vitamin B12 (cyanocobalamin) metabolism",
)
LIPID_PATHWAYS: tuple[str, ...] = (
    "Glycerophospholipid metabolism",
    "De novo fatty acid biosynthesis",
    "Fatty Acid Metabolism",
    "Fatty acid activation",
    "Linoleate metabolism",
    "Omega-3 fatty acid metabolism",
    "Arachidonic acid metabolism",
)
AMINO_ACID_PATHWAYS: tuple[str, ...] = (
    "Tryptophan metabolism",
    "Tyrosine metabolism",
    "Methionine and cysteine metabolism",
    "Glycine, serine, alanine and threonine metabolism",
    "Valine, leucine and isoleucine degradation",
    "Histidine metabolism",
    "Lysine metabolism",
    "Arginine and Proline Metabolism",
    "Aspartate and asparagine metabolism",
    "Urea cycle/amino group metabolism",
    "Glutamate metabolism",
)
# A compound in several planted pathways takes the program of the first pathway in this order.
_PROGRAM_PRIORITY: tuple[tuple[str, str], ...] = (
    ("Vitamin B1 (thiamin) metabolism", "vitamin"),
    *((p, "vitamin") for p in VITAMIN_PATHWAYS[1:]),
    ("Tryptophan metabolism", "amino_acid"),
    *((p, "lipid") for p in LIPID_PATHWAYS),
    *((p, "amino_acid") for p in AMINO_ACID_PATHWAYS[1:]),
)
PLANTED_PATHWAYS: dict[str, str] = {p: program for p, program in _PROGRAM_PRIORITY}

N_POLAR = 250
# Polar-panel places reserved per planted pathway (central compounds first); the rest of the
# panel is filled with the most connected compounds of the remaining model.
_POLAR_QUOTA: dict[str, int] = {
    **dict.fromkeys(VITAMIN_PATHWAYS, 12),
    "Tryptophan metabolism": 30,
    "Glycerophospholipid metabolism": 24,
    **dict.fromkeys(LIPID_PATHWAYS[1:], 8),
    **dict.fromkeys(AMINO_ACID_PATHWAYS[1:], 9),
}
# Compound names that are not measurable small molecules, lipid classes or generic entities.
_NOT_MEASURED = re.compile(
    r"tRNA|protein|enzyme|\[|radical|acceptor|donor|cytochrome|^NDP|^NTP|Nucleoside "
    r"|^NH|^H2O|^O2|^CO2|^H\+|^HCO3|ACP|-E$|glycan|^R-|fatty acid|Long-chain|acyl"
    r"|Phosphatidyl|^Phosphatidate|Ceramide|Sphingomyelin|cholesterol ester"
    r"|Orthophosphate|^Diphosphate|^Sulfate|^Sulfite|Thioredoxin|ferro|ferri|^Iron"
    r"|Hydrogen|Oxygen|^Ammonia|flavoprotein|-CoA|coenzyme A|^Peptide|^DNA|^RNA|Ubiquitin"
    r"|^Sterol$|\(1-\)$|^Starch|^Glycogen|^Cellulose|^Amylose|^Carboxylate$|^Alcohol$"
    r"|^Aldehyde$|^Primary alcohol|^Secondary alcohol|^Steryl ester|Dolichyl|^Amine$|^Ketone"
    r"|^Phenol$|^Acid$|^Ester$|^Polyphosphate|^Cofactor|^Thiol$|^Alkane|^Alkene|-R$|Histone",
    re.IGNORECASE,
)
_POLAR_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Organic acids", ("TCA cycle", "Pyruvate Metabolism", "Glyoxylate and Dicarboxylate "
                       "Metabolism", "Propanoate metabolism", "Butanoate metabolism",
                       "C5-Branched dibasic acid metabolism")),
    ("Amino acids", AMINO_ACID_PATHWAYS + ("Alanine and Aspartate Metabolism",
                                          "Beta-Alanine metabolism",
                                          "Selenoamino acid metabolism",
                                          "Glutathione Metabolism")),
    ("Carbohydrates", ("Glycolysis and Gluconeogenesis", "Pentose phosphate pathway",
                       "Galactose metabolism", "Fructose and mannose metabolism",
                       "Starch and Sucrose Metabolism", "Aminosugars metabolism",
                       "Hexose phosphorylation", "Pentose and Glucuronate Interconversions",
                       "Ascorbate (Vitamin C) and Aldarate Metabolism",
                       "Nucleotide Sugar Metabolism", "Sialic acid metabolism")),
    ("Nucleotides", ("Purine metabolism", "Pyrimidine metabolism")),
    ("Vitamins and cofactors", tuple(p for p in (
        "Vitamin B1 (thiamin) metabolism", "Vitamin B2 (riboflavin) metabolism",
        "Vitamin B3 (nicotinate and nicotinamide) metabolism",
        "Vitamin B5 - CoA biosynthesis from pantothenate", "Vitamin B6 (pyridoxine) metabolism",
        "Vitamin B9 (folate) metabolism", "Vitamin B12 (cyanocobalamin) metabolism",
        "Vitamin H (biotin) metabolism", "Vitamin A (retinol) metabolism",
        "Vitamin E metabolism", "Vitamin D3 (cholecalciferol) metabolism",
        "Vitamin K metabolism", "Biopterin metabolism", "Porphyrin metabolism",
        "Lipoate metabolism", "Ubiquinone Biosynthesis", "CoA Catabolism"))),
    ("Lipid precursors", LIPID_PATHWAYS + ("Fatty acid oxidation", "Fatty acid oxidation, "
                                           "peroxisome", "Omega-6 fatty acid metabolism",
                                           "Arachidonic acid metabolism",
                                           "Phosphatidylinositol phosphate metabolism",
                                           "Glycosphingolipid metabolism")),
    ("Steroids and bile acids", ("C21-steroid hormone biosynthesis and metabolism",
                                 "Androgen and estrogen biosynthesis and metabolism",
                                 "Bile acid biosynthesis",
                                 "Squalene and cholesterol biosynthesis")),
    ("Xenobiotics", ("Xenobiotics metabolism", "Drug metabolism - cytochrome P450",
                     "Drug metabolism - other enzymes", "Caffeine metabolism")),
)

_AMINO_ACID_NAMES = (
    "Alanine|Arginine|Asparagine|Aspartate|Cysteine|Cystine|Glutamate|Glutamine|Glycine"
    "|Histidine|Isoleucine|Leucine|Lysine|Methionine|Phenylalanine|Proline|Serine|Threonine"
    "|Tryptophan|Tyrosine|Valine|Ornithine|Citrulline|Homocysteine|Taurine|Hydroxyproline"
)
# Name rules take precedence over the pathway vote below.
_CLASS_BY_NAME: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Amino acids", re.compile(rf"^(L-|D-)?({_AMINO_ACID_NAMES})$")),
    ("Vitamins and cofactors", re.compile(
        r"[Tt]hiamin|[Rr]iboflavin|FMN|FAD|NAD|[Pp]yridox|[Pp]antothen|[Pp]antethein|^CoA$"
        r"|[Ff]olate|[Cc]obalamin|[Bb]iotin|[Nn]icotin|[Bb]iopterin|[Ll]ipo|[Aa]scorb"
        r"|[Uu]biquin")),
    ("Nucleotides", re.compile(
        r"^d?[ACGUTIX][MDT]P$|[Aa]denosine|[Gg]uanosine|[Cc]ytidine|[Uu]ridine|[Tt]hymidine"
        r"|[Ii]nosine|[Xx]anthosine|^Uracil|^Cytosine|^Thymine|^Guanine|^Adenine|anthine$"
        r"|^Urate|^Orotate|^Deoxy|cyclic|[Pp]hosphoribosyl")),
    ("Carbohydrates", re.compile(r"^[UGC]DP-|ose$|ose [0-9]|ose-|itol$|[Ii]nositol")),
    ("Organic acids", re.compile(r"^(Pyruvate|Lactate|\(S\)-Lactate|Citrate|Isocitrate"
                                 r"|2-Oxoglutarate|Succinate|Fumarate|\(S\)-Malate"
                                 r"|Oxaloacetate|Acetate|cis-Aconitate)$")),
)

# --- lipid catalogue -------------------------------------------------------------------------
# Relative abundance of acyl chains in tissue lipids (drives which species exist and how high).
_ACYL_WEIGHTS: dict[str, float] = {
    "14:0": 0.5, "15:0": 0.15, "16:0": 1.0, "16:1": 0.55, "17:0": 0.15, "18:0": 0.85,
    "18:1": 1.0, "18:2": 0.9, "18:3": 0.25, "20:1": 0.2, "20:2": 0.15, "20:3": 0.3,
    "20:4": 0.7, "20:5": 0.2, "22:4": 0.2, "22:5": 0.3, "22:6": 0.5, "24:0": 0.08,
    "24:1": 0.08, "12:0": 0.15,
}
_SPHINGOID_WEIGHTS: dict[str, float] = {"d18:1": 1.0, "d18:0": 0.3, "d18:2": 0.35, "d16:1": 0.2}
_N_ACYL_WEIGHTS: dict[str, float] = {
    "16:0": 1.0, "18:0": 0.45, "18:1": 0.2, "20:0": 0.3, "22:0": 0.6, "22:1": 0.2,
    "23:0": 0.3, "24:0": 0.8, "24:1": 0.9, "24:2": 0.25, "26:0": 0.1, "26:1": 0.12, "14:0": 0.15,
}
_FREE_FA: tuple[str, ...] = (
    "8:0", "10:0", "12:0", "14:0", "14:1", "15:0", "16:0", "16:1", "17:0", "18:0", "18:1",
    "18:2", "18:3", "18:4", "20:0", "20:1", "20:2", "20:3", "20:4", "20:5", "22:0", "22:4",
    "22:5", "22:6", "24:0", "24:1",
)
# KEGG compound ids of free fatty acids / acylcarnitines present in the MFN model.
_LIPID_KEGG: dict[str, str] = {
    "FA(8:0)": "C06423", "FA(12:0)": "C02679", "FA(14:0)": "C06424", "FA(16:0)": "C00249",
    "FA(18:0)": "C01530", "FA(18:1)": "C00712", "FA(18:2)": "C01595", "FA(18:3)": "C06427",
    "FA(18:4)": "C16300", "FA(20:0)": "C06425", "FA(20:3)": "C03242", "FA(20:4)": "C00219",
    "FA(20:5)": "C06428", "FA(22:0)": "C08281", "FA(22:6)": "C06429",
    "CAR(2:0)": "C02571", "CAR(16:0)": "C02990",
}
_CARNITINE_CHAINS: tuple[str, ...] = (
    "2:0", "3:0", "4:0", "5:0", "6:0", "8:0", "10:0", "12:0", "14:0", "14:1", "16:0", "16:1",
    "18:0", "18:1", "18:2", "20:4",
)
# subclass -> (class, number of acyl chains / kind, number of species, log2 abundance offset)
_LIPID_SUBCLASSES: dict[str, tuple[str, str, int, float]] = {
    "TG": ("Glycerolipids", "3", 150, 2.5),
    "DG": ("Glycerolipids", "2", 45, 0.0),
    "MG": ("Glycerolipids", "1", 8, -1.5),
    "PC": ("Glycerophospholipids", "2", 70, 3.0),
    "PE": ("Glycerophospholipids", "2", 50, 1.5),
    "PI": ("Glycerophospholipids", "2", 25, 0.5),
    "PS": ("Glycerophospholipids", "2", 20, 0.0),
    "PG": ("Glycerophospholipids", "2", 14, -1.0),
    "PA": ("Glycerophospholipids", "2", 10, -1.5),
    "LPC": ("Glycerophospholipids", "1", 18, 0.5),
    "LPE": ("Glycerophospholipids", "1", 14, -0.5),
    "LPI": ("Glycerophospholipids", "1", 6, -1.5),
    "PC-O": ("Glycerophospholipids", "ether", 20, 0.5),
    "PE-P": ("Glycerophospholipids", "ether", 20, 0.5),
    "SM": ("Sphingolipids", "sphingoid", 30, 2.0),
    "Cer": ("Sphingolipids", "sphingoid", 25, -0.5),
    "HexCer": ("Sphingolipids", "sphingoid", 15, -1.0),
    "CE": ("Sterol lipids", "1", 18, 1.0),
    "FA": ("Fatty acyls", "free", len(_FREE_FA), 0.0),
    "CAR": ("Fatty acyls", "carnitine", len(_CARNITINE_CHAINS), -1.0),
}


def _chain_key(chain: str) -> tuple[int, int]:
    carbons, double_bonds = chain.split(":")
    return int(carbons), int(double_bonds)


def _top_species(weights: dict[str, float], k: int, n: int) -> list[tuple[str, float]]:
    chains = sorted(weights, key=_chain_key)
    combos = []
    for combo in combinations_with_replacement(chains, k):
        combos.append(("_".join(combo), float(np.prod([weights[c] for c in combo]))))
    combos.sort(key=lambda item: -item[1])  # stable: ties keep chain order
    return combos[:n]


def _lipid_species(subclass: str, kind: str, n: int) -> list[tuple[str, float]]:
    if kind in {"1", "2", "3"}:
        return [(f"{subclass}({chains})", w)
                for chains, w in _top_species(_ACYL_WEIGHTS, int(kind), n)]
    if kind == "ether":
        prefix, head = ("O-", "PC") if subclass == "PC-O" else ("P-", "PE")
        alkyl = {"16:0": 1.0, "18:0": 0.8, "18:1": 0.6, "16:1": 0.2}
        out = [(f"{head}({prefix}{a}_{c})", alkyl[a] * _ACYL_WEIGHTS[c])
               for a in alkyl for c in _ACYL_WEIGHTS]
        out.sort(key=lambda item: -item[1])
        return out[:n]
    if kind == "sphingoid":
        out = [(f"{subclass}({b}/{a})", _SPHINGOID_WEIGHTS[b] * _N_ACYL_WEIGHTS[a])
               for b in _SPHINGOID_WEIGHTS for a in sorted(_N_ACYL_WEIGHTS, key=_chain_key)]
        out.sort(key=lambda item: -item[1])
        return out[:n]
    if kind == "free":
        return [(f"FA({c})", _ACYL_WEIGHTS.get(c, 0.1)) for c in _FREE_FA]
    if kind == "carnitine":
        return [(f"CAR({c})", 1.0 if c == "2:0" else _ACYL_WEIGHTS.get(c, 0.1) * 0.5)
                for c in _CARNITINE_CHAINS]
    raise ValueError(kind)


def _lipid_catalogue() -> pd.DataFrame:
    rows = []
    for subclass, (klass, kind, n, offset) in _LIPID_SUBCLASSES.items():
        for name, weight in _lipid_species(subclass, kind, n):
            rows.append({
                "feature_name": name,
                "metabolite_class": klass,
                "kegg_compound_id": _LIPID_KEGG.get(name, ""),
                "lipid_subclass": subclass,
                "program": "lipid",
                "_level": offset + 1.2 * np.log2(weight),
            })
    out = pd.DataFrame(rows)
    out.insert(0, "feature_id", [f"LIP{i:04d}" for i in range(1, len(out) + 1)])
    out.insert(2, "platform", "lipidomics")
    return out


def _polar_catalogue(excluded_ids: set[str]) -> pd.DataFrame:
    table = kegg_compound_pathways()
    table = table[table["compound_id"].str.fullmatch(r"C\d{5}") & table["compound_name"].notna()]
    first_name = table["compound_name"].str.split("; ").str[0].str.strip()
    table = table.assign(feature_name=first_name)
    table = table[~table["feature_name"].str.contains(_NOT_MEASURED)
                  & ~table["compound_id"].isin(excluded_ids)]
    pathways = table.groupby("compound_id")["pathway_name"].agg(frozenset)
    names = table.drop_duplicates("compound_id").set_index("compound_id")["feature_name"]
    degree = pathways.map(len)
    # Central (highly connected) compounds first; ties by id.
    ranked = sorted(pathways.index, key=lambda c: (-degree[c], c))

    chosen: list[str] = []
    taken: set[str] = set()
    for pathway, quota in _POLAR_QUOTA.items():
        members = [c for c in ranked if pathway in pathways[c] and c not in taken]
        for c in members[:quota]:
            chosen.append(c)
            taken.add(c)
    for c in ranked:
        if len(chosen) >= N_POLAR:
            break
        if c not in taken:
            chosen.append(c)
            taken.add(c)
    chosen = chosen[:N_POLAR]

    amino_acid_pathways = set(AMINO_ACID_PATHWAYS)

    def program(c: str) -> str:
        # Free amino acids follow the amino-acid program wherever else they appear.
        if _CLASS_BY_NAME[0][1].search(names[c]) and pathways[c] & amino_acid_pathways:
            return "amino_acid"
        programs = [prog for pathway, prog in _PROGRAM_PRIORITY if pathway in pathways[c]]
        if "vitamin" in programs and "lipid" in programs:
            # Shared between programs of opposite direction (AMP, CoA, FAD ...): no effect.
            return ""
        return programs[0] if programs else ""

    def metabolite_class(c: str) -> str:
        name = names[c]
        for klass, pattern in _CLASS_BY_NAME:
            if pattern.search(name):
                return klass
        votes = [len(pathways[c] & set(members)) for _, members in _POLAR_CLASSES]
        best = int(np.argmax(votes))
        return _POLAR_CLASSES[best][0] if votes[best] > 0 else "Other"

    chosen.sort(key=lambda c: (metabolite_class(c), c))
    out = pd.DataFrame({
        "feature_id": [f"POL{i:04d}" for i in range(1, len(chosen) + 1)],
        "feature_name": [names[c] for c in chosen],
        "platform": "polar",
        "metabolite_class": [metabolite_class(c) for c in chosen],
        "kegg_compound_id": chosen,
        "lipid_subclass": "",
        "program": [program(c) for c in chosen],
        "_level": 0.0,
    })
    dup = out["feature_name"].duplicated(keep=False)
    out.loc[dup, "feature_name"] += " (" + out.loc[dup, "kegg_compound_id"] + ")"
    return out


@lru_cache(maxsize=1)
def feature_catalogue() -> pd.DataFrame:
    """Fixed feature catalogue: annotation columns plus ``program`` (planted program or "")
    and ``planted`` (bool: the feature carries its program's effect)."""
    lipids = _lipid_catalogue()
    polar = _polar_catalogue(set(lipids["kegg_compound_id"]) - {""})
    catalogue = pd.concat([lipids, polar], ignore_index=True)
    # Fixed choice of the planted lipid species (independent of the caller's rng); every polar
    # feature with a program is planted (pathways mix programs, so they still show a majority).
    chooser = np.random.default_rng(20240521)
    u = chooser.random(len(catalogue))
    lipid_platform = (catalogue["platform"] == "lipidomics").to_numpy()
    share = np.where(lipid_platform, PLANTED_FRACTION, POLAR_PLANTED_FRACTION)
    catalogue["planted"] = (catalogue["program"] != "") & (u < share)
    return catalogue


def metabolite_annotation() -> pd.DataFrame:
    """The annotation table (columns :data:`ANNOTATION_COLUMNS`)."""
    return feature_catalogue().loc[:, list(ANNOTATION_COLUMNS)].copy()


def _group_effects(catalogue: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """features x groups log2 shifts."""
    effects = np.zeros((len(catalogue), len(GROUPS)))
    size = np.zeros(len(catalogue))
    for program, (low, high) in PROGRAM_EFFECT_RANGE.items():
        mask = (catalogue["program"] == program).to_numpy()
        size[mask] = rng.uniform(low, high, mask.sum())
    size *= catalogue["planted"].to_numpy()
    for program, directions in PROGRAM_DIRECTIONS.items():
        mask = (catalogue["program"] == program).to_numpy()
        for group, sign in directions.items():
            effects[mask, GROUPS.index(group)] = sign * size[mask]
    return effects


def _simulate_platform(
    catalogue: pd.DataFrame,
    samples: pd.DataFrame,
    rng: np.random.Generator,
    base: float,
    spread: float,
) -> pd.DataFrame:
    n_feat, n = len(catalogue), len(samples)
    group_idx = samples["calcification_group"].map({g: i for i, g in enumerate(GROUPS)})
    group_idx = group_idx.to_numpy(dtype=int)
    mu = base + catalogue["_level"].to_numpy() + rng.normal(0.0, spread, n_feat)
    sd = rng.uniform(*_NOISE_SD, n_feat)
    effects = _group_effects(catalogue, rng)
    # Correlated blocks: one factor per metabolite class plus one global factor.
    classes, class_idx = np.unique(catalogue["metabolite_class"].to_numpy(), return_inverse=True)
    class_factor = rng.standard_normal((len(classes), n))
    class_loading = rng.uniform(*_CLASS_LOADING, n_feat)
    global_factor = rng.standard_normal(n)
    global_loading = rng.normal(0.0, 0.2, n_feat)
    sample_load = rng.normal(0.0, 0.15, n)  # extraction / injection amount
    values = rng.standard_normal((n_feat, n))
    values *= sd[:, None]
    values += mu[:, None]
    values += sample_load[None, :]
    values += class_loading[:, None] * class_factor[class_idx]
    values += global_loading[:, None] * global_factor[None, :]
    values += effects[:, group_idx]
    np.exp2(values, out=values)
    return pd.DataFrame(values, index=pd.Index(catalogue["feature_id"], name="feature_id"),
                        columns=pd.Index(samples["patient_id"]).rename(None), copy=False)


def simulate_metabolomics(
    patients: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(lipidomics, polar, annotation).

    ``lipidomics``: lipid features x has_lipidomics patients; ``polar``: polar features x
    has_polar_metabolomics patients (both index ``feature_id``, columns patient ids in
    patient order, positive float64); ``annotation``: one row per feature of both platforms
    with the columns :data:`ANNOTATION_COLUMNS` (empty strings where not applicable).
    """
    unknown = set(patients["calcification_group"]) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown calcification_group values: {sorted(unknown)}")
    catalogue = feature_catalogue()
    lipid_cat = catalogue[catalogue["platform"] == "lipidomics"].reset_index(drop=True)
    polar_cat = catalogue[catalogue["platform"] == "polar"].reset_index(drop=True)
    lip_samples = patients.loc[patients["has_lipidomics"].astype(bool)]
    polar_samples = patients.loc[patients["has_polar_metabolomics"].astype(bool)]
    lipidomics = _simulate_platform(lipid_cat, lip_samples, rng, base=21.0, spread=1.0)
    polar = _simulate_platform(polar_cat, polar_samples, rng, base=20.5, spread=2.0)
    return lipidomics, polar, metabolite_annotation()
