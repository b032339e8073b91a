-- In fct_mutated_gene_frequencies the p-value is null exactly when test_note says
-- 'not tested: ...'; any other note names groups left out of a test that ran. Signature
-- rows have null exposures exactly when fit_note says the sample was not fitted.
with frequencies as (
    select * from {{ ref('fct_mutated_gene_frequencies') }}
),

signatures as (
    select * from {{ ref('fct_mutational_signatures') }}
),

frequency_violations as (
    select
        'fct_mutated_gene_frequencies' as mart,
        gene_symbol || ' ' || group_key as compared,
        test_note as note
    from frequencies
    where
        (p_value is null) != coalesce(test_note like 'not tested: %', false)
        or (
            test_note is not null
            and test_note not like 'not tested: %'
            and test_note not like 'groups without values left out: %'
        )
),

signature_violations as (
    select
        'fct_mutational_signatures' as mart,
        sample_id || ' ' || signature as compared,
        fit_note as note
    from signatures
    where
        (exposure is null) != (fit_note is not null)
        or (signature_catalogue is null) != (fit_note is not null)
)

select * from frequency_violations
union all
select * from signature_violations
