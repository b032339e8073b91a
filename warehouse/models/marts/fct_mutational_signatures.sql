-- Figure 3D: per sample, the NNLS exposure of each COSMIC v3.2 signature (mutations
-- attributed) and its fraction of the sample's total exposure, with the fit's reconstruction
-- cosine, the catalogue fitted (SBS-96, or SBS-6 without trinucleotide context) and why a
-- sample was not fitted; with the patient's group.
with exposures as (
    select * from {{ ref('int_signature_exposures') }}
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        exposures.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        exposures.signature,
        exposures.signature_catalogue,
        exposures.exposure,
        exposures.proportion as fraction_of_exposure,
        exposures.reconstruction_cosine,
        cast(exposures.n_snvs_used as integer) as n_snvs_used,
        cast(exposures.n_variants_excluded as integer) as n_variants_excluded,
        exposures.fit_note,
        {{ signature_method_columns() }}
    from exposures
    left join patient_groups on exposures.sample_id = patient_groups.patient_id
)

select * from final
