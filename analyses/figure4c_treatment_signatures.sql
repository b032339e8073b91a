-- Figure 4C: treatment-associated features per group. The paper uses I-SPY2 signatures,
-- which are not shipped here; the same three axes are answered from the marts: immune
-- (mean of the 24 Bindea cell-type scores), ER signalling (SET index, Hallmark estrogen
-- response) and proliferation (Hallmark E2F targets, CDK4/6 score). Group medians.
with patients as (
    select * from {{ ref('dim_patients') }}
),

immune as (
    select
        sample_id,
        avg(infiltration_score) as immune_score
    from {{ ref('fct_immune_infiltration') }}
    group by sample_id
),

pathways as (
    select
        sample_id,
        any_value(score) filter (where gene_set = 'HALLMARK_ESTROGEN_RESPONSE_EARLY')
            as estrogen_response_early,
        any_value(score) filter (where gene_set = 'HALLMARK_E2F_TARGETS') as e2f_targets
    from {{ ref('fct_pathway_scores') }}
    where collection = 'hallmark'
    group by sample_id
),

treatment as (
    select * from {{ ref('fct_treatment_scores') }}
)

select
    patients.group_key,
    patients.group_label,
    count(*) as n_patients,
    median(immune.immune_score) as median_immune_score,
    median(treatment.set_index) as median_set_index,
    median(pathways.estrogen_response_early) as median_estrogen_response_early,
    median(pathways.e2f_targets) as median_e2f_targets,
    median(treatment.cdk46_sensitivity_score) as median_cdk46_sensitivity
from treatment
inner join patients on treatment.sample_id = patients.patient_id
inner join immune on treatment.sample_id = immune.sample_id
inner join pathways on treatment.sample_id = pathways.sample_id
where patients.is_main_analysis_group
group by patients.group_key, patients.group_label, patients.group_order
order by patients.group_order
