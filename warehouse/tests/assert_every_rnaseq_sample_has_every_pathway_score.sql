-- Every RNA-seq sample has a score for every scored gene set of every collection (ssGSEA is
-- computed on the whole cohort in one call, so a missing cell means a lost sample or set).
with patients as (
    select * from {{ ref('dim_patients') }}
),

pathway_scores as (
    select * from {{ ref('fct_pathway_scores') }}
),

scored_sets as (
    select distinct
        collection,
        gene_set
    from pathway_scores
),

expected as (
    select
        patients.patient_id as sample_id,
        scored_sets.collection,
        scored_sets.gene_set
    from patients
    cross join scored_sets
    where patients.has_rnaseq
)

select
    expected.sample_id,
    expected.collection,
    expected.gene_set
from expected
left join pathway_scores
    on
        expected.sample_id = pathway_scores.sample_id
        and expected.collection = pathway_scores.collection
        and expected.gene_set = pathway_scores.gene_set
where pathway_scores.score is null
