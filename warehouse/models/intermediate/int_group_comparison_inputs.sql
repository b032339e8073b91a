-- Every continuous per-patient feature compared across calcification groups, in long form.
-- Later feature families (HRD, transcriptomic scores, clinical) are added to this union.
with patients as (
    select * from {{ ref('dim_patients') }}
),

tumor_mutational_burden as (
    select * from {{ ref('fct_tumor_mutational_burden') }}
),

cin_scores as (
    select * from {{ ref('fct_cin_scores') }}
),

hrd_scores as (
    select * from {{ ref('fct_hrd_scores') }}
),

signature_exposures as (
    select * from {{ ref('fct_mutational_signatures') }}
),

hrd_long as (
    unpivot hrd_scores
    on hrd_loh, tai, lst, hrd_sum
    into name feature value feature_value
),

feature_values as (
    select
        'genomic' as feature_family,
        'tmb_per_mb' as feature,
        sample_id as patient_id,
        tmb_per_mb as feature_value
    from tumor_mutational_burden
    union all
    select
        'genomic' as feature_family,
        'cin_score' as feature,
        sample_id as patient_id,
        cin_score as feature_value
    from cin_scores
    union all
    select
        'genomic' as feature_family,
        feature,
        sample_id as patient_id,
        cast(feature_value as double) as feature_value
    from hrd_long
    union all
    select
        'mutational_signature' as feature_family,
        signature || '_proportion' as feature,
        sample_id as patient_id,
        proportion as feature_value
    from signature_exposures
),

final as (
    select
        feature_values.feature_family,
        feature_values.feature,
        feature_values.patient_id,
        patients.calcification_group,
        feature_values.feature_value
    from feature_values
    inner join patients on feature_values.patient_id = patients.patient_id
)

select * from final
