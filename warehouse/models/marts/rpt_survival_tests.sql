-- Relapse-free survival tests (Figure 2F): log-rank across the three groups and per pair
-- (R survdiff), and the two-stage test for crossing hazards, probably benign vs the others.
with tests as (
    select * from {{ ref('int_survival_tests') }}
),

final as (
    select
        test,
        group_a,
        group_b,
        cast(n_patients as integer) as n_patients,
        cast(n_events as integer) as n_events,
        statistic,
        cast(df as integer) as df,
        p_value,
        p_adjusted,
        stage1_p_value,
        stage2_p_value,
        cast(nboot as integer) as nboot,
        cast(seed as bigint) as seed,
        method
    from tests
)

select * from final
