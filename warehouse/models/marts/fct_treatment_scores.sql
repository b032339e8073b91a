-- Treatment-related scores per RNA-seq sample (Figure 4F/H): SET index (sensitivity to
-- endocrine therapy), CDK4/6-inhibitor sensitivity (GSVA of the 13-gene panel) and the
-- endocrine sensitivity score, with how many panel genes each could use.
with scores as (
    select * from {{ ref('int_treatment_scores') }}
),

scores_by_sample as (
    -- one row per sample and score (tested unique upstream): max() picks that row's value
    select
        sample_id,
        max(case when score_name = 'set_index' then score end) as set_index,
        cast(max(case when score_name = 'set_index' then genes_used end) as integer)
            as set_index_genes_used,
        max(case when score_name = 'cdk46_sensitivity_score' then score end)
            as cdk46_sensitivity_score,
        cast(
            max(case when score_name = 'cdk46_sensitivity_score' then genes_used end)
            as integer
        ) as cdk46_genes_used,
        max(case when score_name = 'cdk46_sensitivity_score' then method end)
            as cdk46_method,
        max(case when score_name = 'endocrine_sensitivity_score' then score end)
            as endocrine_sensitivity_score,
        cast(
            max(case when score_name = 'endocrine_sensitivity_score' then genes_used end)
            as integer
        ) as endocrine_genes_used,
        '{{ var("expression_scale") }}' as expression_scale
    from scores
    group by sample_id
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        scores_by_sample.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        scores_by_sample.set_index,
        scores_by_sample.set_index_genes_used,
        scores_by_sample.cdk46_sensitivity_score,
        scores_by_sample.cdk46_genes_used,
        scores_by_sample.cdk46_method,
        scores_by_sample.endocrine_sensitivity_score,
        scores_by_sample.endocrine_genes_used,
        scores_by_sample.expression_scale
    from scores_by_sample
    left join patient_groups on scores_by_sample.sample_id = patient_groups.patient_id
)

select * from final
