-- GISTIC2-style segment values (ALGORITHMS.md section 3, "without GISTIC"): autosomes only
-- (-rx 1), log2(total_cn / 2), per-sample median centring (length-weighted median over
-- autosomal bases: the smallest value whose cumulative length reaches half), capping at
-- +/-1.5 and conversion to linear units v = 2^(x + 1) - 2 (copy number - 2; 0 = diploid).
with segments as (
    select * from {{ ref('stg_raw__copy_number_segments') }}
    where chromosome not in ('chrX', 'chrY')
),

log_ratios as (
    select
        sample_id,
        chromosome,
        start_position,
        end_position,
        total_copy_number,
        end_position - start_position + 1 as length_bp,
        -- a homozygous deletion has log2(0) = -inf; it is capped at -1.5 below anyway.
        log2(greatest(total_copy_number, 0.001) / 2.0) as log2_ratio
    from segments
),

cumulative as (
    select
        *,
        sum(length_bp) over (
            partition by sample_id
            order by log2_ratio, chromosome, start_position
            rows between unbounded preceding and current row
        ) as cumulative_length_bp,
        sum(length_bp) over (partition by sample_id) as autosomal_length_bp
    from log_ratios
),

sample_medians as (
    select
        sample_id,
        min(log2_ratio) filter (
            where cumulative_length_bp >= 0.5 * autosomal_length_bp
        ) as median_log2_ratio
    from cumulative
    group by sample_id
),

centred as (
    select
        log_ratios.sample_id,
        log_ratios.chromosome,
        log_ratios.start_position,
        log_ratios.end_position,
        log_ratios.length_bp,
        log_ratios.total_copy_number,
        log_ratios.log2_ratio,
        sample_medians.median_log2_ratio,
        greatest(
            least(log_ratios.log2_ratio - sample_medians.median_log2_ratio, 1.5), -1.5
        ) as centred_log2_ratio
    from log_ratios
    inner join sample_medians on log_ratios.sample_id = sample_medians.sample_id
),

final as (
    select
        *,
        pow(2.0, centred_log2_ratio + 1) - 2 as copy_number_value
    from centred
)

select * from final
