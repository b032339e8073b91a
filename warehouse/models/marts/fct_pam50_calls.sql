-- PAM50 intrinsic subtype per RNA-seq sample: Spearman nearest centroid (Parker 2009
-- centroids) after the gene scaling chosen by var pam50_scaling and the centring chosen by
-- var pam50_centring (Figure 4A).
with calls as (
    select * from {{ ref('int_pam50_calls') }}
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        calls.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        calls.pam50_subtype,
        calls.cor_lum_a,
        calls.cor_lum_b,
        calls.cor_her2,
        calls.cor_basal,
        calls.cor_normal,
        calls.confidence,
        cast(calls.n_genes_used as integer) as n_genes_used,
        calls.scaling,
        calls.centring,
        cast(calls.centring_reference_samples as integer) as centring_reference_samples,
        {{ pam50_method_columns() }}
    from calls
    left join patient_groups on calls.sample_id = patient_groups.patient_id
)

select * from final
