-- fct_gsea_group_vs_rest holds every main group against the rest, for the same gene sets,
-- with the sample counts of the patient spine: a missing group or set, or a count that is
-- not the spine's, is a silent change of Figure 4E. A main group without RNA-seq samples is
-- a row too (null statistics, test_note); without any RNA-seq sample in the main groups
-- the mart has no gene set and no row.
with patients as (
    select * from {{ ref('dim_patients') }}
),

comparison_groups as (
    select * from {{ ref('dim_comparison_groups') }}
),

gsea as (
    select * from {{ ref('fct_gsea_group_vs_rest') }}
),

rnaseq_counts as (
    select
        group_key,
        count(*) as n_samples
    from patients
    where is_main_analysis_group and has_rnaseq
    group by group_key
),

group_sizes as (
    select
        comparison_groups.group_key,
        coalesce(rnaseq_counts.n_samples, 0) as n_group_samples,
        sum(coalesce(rnaseq_counts.n_samples, 0)) over ()
        - coalesce(rnaseq_counts.n_samples, 0) as n_rest_samples
    from comparison_groups
    left join rnaseq_counts on comparison_groups.group_key = rnaseq_counts.group_key
    where comparison_groups.is_main_analysis_group
),

gene_sets as (
    select distinct
        collection,
        gene_set
    from gsea
),

expected as (
    select
        group_sizes.group_key,
        group_sizes.n_group_samples,
        group_sizes.n_rest_samples,
        gene_sets.collection,
        gene_sets.gene_set
    from group_sizes
    cross join gene_sets
)

select
    coalesce(expected.group_key, gsea.group_key) as group_key,
    coalesce(expected.gene_set, gsea.gene_set) as gene_set,
    expected.n_group_samples as expected_n_group_samples,
    gsea.n_group_samples,
    expected.n_rest_samples as expected_n_rest_samples,
    gsea.n_rest_samples
from expected
full outer join gsea
    on
        expected.group_key = gsea.group_key
        and expected.collection = gsea.collection
        and expected.gene_set = gsea.gene_set
where
    expected.n_group_samples is distinct from gsea.n_group_samples
    or expected.n_rest_samples is distinct from gsea.n_rest_samples
