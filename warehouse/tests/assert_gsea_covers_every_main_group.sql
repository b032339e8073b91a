-- fct_gsea_group_vs_rest holds every main group with RNA-seq samples against the rest, for
-- the same gene sets, with the sample counts of the patient spine: a missing group or set,
-- or a count that is not the spine's, is a silent change of Figure 4E.
with patients as (
    select * from {{ ref('dim_patients') }}
),

gsea as (
    select * from {{ ref('fct_gsea_group_vs_rest') }}
),

group_sizes as (
    select
        group_key,
        count(*) as n_group_samples,
        sum(count(*)) over () - count(*) as n_rest_samples
    from patients
    where is_main_analysis_group and has_rnaseq
    group by group_key
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
