-- hrd_sum = hrd_loh + tai + lst for every scored sample; a sample hrd_status marks not
-- computable has all four scores null, a computed one none.
with hrd_scores as (
    select * from {{ ref('fct_hrd_scores') }}
)

select *
from hrd_scores
where
    (
        hrd_status = 'computed'
        and (
            hrd_sum is null
            or hrd_loh is null
            or tai is null
            or lst is null
            or hrd_sum != hrd_loh + tai + lst
        )
    )
    or (
        hrd_status != 'computed'
        and (hrd_sum is not null or hrd_loh is not null or tai is not null or lst is not null)
    )
