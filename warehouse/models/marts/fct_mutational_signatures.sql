-- Figure 3D: per sample, the NNLS exposure of each COSMIC v3.2 signature (mutations
-- attributed) and its proportion, with the fit's reconstruction cosine, the catalogue fitted
-- (SBS-96, or SBS-6 without trinucleotide context) and why a sample was not fitted.
with exposures as (
    select * from {{ ref('int_signature_exposures') }}
),

final as (
    select
        sample_id,
        signature,
        signature_catalogue,
        exposure,
        proportion,
        reconstruction_cosine,
        cast(n_snvs_used as integer) as n_snvs_used,
        cast(n_variants_excluded as integer) as n_variants_excluded,
        fit_note,
        {{ signature_method_columns() }}
    from exposures
)

select * from final
