-- One row per main-analysis patient and categorical comparison across the main groups: PAM50
-- and SNF subtype (Figure 4A/B), lymph-node and lympho-vascular invasion status (Figure
-- 2B/C) and relapse status (Figure 2G). Unknown (null or 'unknown') is null and is not
-- tested.
with patients as (
    select * from {{ ref('int_patient_spine') }}
    where is_main_analysis_group
),

pam50_calls as (
    select * from {{ ref('int_pam50_calls') }}
),

final as (
    select
        'pam50_subtype' as comparison,
        patients.patient_id,
        patients.group_key,
        pam50_calls.pam50_subtype as category_level
    from pam50_calls
    inner join patients on pam50_calls.sample_id = patients.patient_id
    union all
    select
        'snf_subtype' as comparison,
        patient_id,
        group_key,
        nullif(snf_subtype, 'unknown') as category_level
    from patients
    where has_rnaseq
    union all
    select
        'lymph_node_status' as comparison,
        patient_id,
        group_key,
        nullif(lymph_node_status, 'unknown') as category_level
    from patients
    union all
    select
        'lymphovascular_invasion' as comparison,
        patient_id,
        group_key,
        nullif(lymphovascular_invasion, 'unknown') as category_level
    from patients
    union all
    select
        'relapse_status' as comparison,
        patient_id,
        group_key,
        case
            when had_relapse then 'relapsed'
            when had_relapse is not null then 'relapse_free'
        end as category_level
    from patients
)

select * from final
