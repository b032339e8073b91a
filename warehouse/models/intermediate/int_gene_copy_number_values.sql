-- Gene-level value per sample: overlap-length-weighted mean of segment values over the gene
-- (GISTIC -gcm mean on segment data). A gene no segment overlaps (a gap in the
-- segmentation) takes the mean of its two flanking segments, as GISTIC uses flanking markers.
-- Linear in samples: most genes lie inside one segment and are joined, not aggregated; only
-- genes across a breakpoint are grouped, and gap genes are found from the gaps themselves
-- (no samples x genes cross join).
with segments as (
    select * from {{ ref('int_segments_median_centred') }}
),

genes as (
    select * from {{ ref('int_genes_with_cytobands') }}
),

-- a gene inside one segment takes its value; segments of a sample do not overlap
-- (assert_segments_do_not_overlap), so no other segment touches it: no aggregation
contained as (
    select
        segments.sample_id,
        genes.gene_symbol,
        segments.copy_number_value,
        'overlap' as value_source
    from genes
    inner join segments
        on
            genes.chromosome = segments.chromosome
            and genes.start_position >= segments.start_position
            and genes.end_position <= segments.end_position
),

-- a gene across a segment boundary: overlap-length-weighted mean of the segments it touches
straddling as (
    select
        segments.sample_id,
        genes.gene_symbol,
        sum(
            segments.copy_number_value
            * (
                least(segments.end_position, genes.end_position)
                - greatest(segments.start_position, genes.start_position) + 1
            )
        )
        / sum(
            least(segments.end_position, genes.end_position)
            - greatest(segments.start_position, genes.start_position) + 1
        ) as copy_number_value,
        'overlap' as value_source
    from genes
    inner join segments
        on
            genes.chromosome = segments.chromosome
            and genes.end_position >= segments.start_position
            and genes.start_position <= segments.end_position
            and (
                genes.start_position < segments.start_position
                or genes.end_position > segments.end_position
            )
    group by segments.sample_id, genes.gene_symbol
),

-- the unsegmented stretch before each segment (after the previous one, or from the
-- chromosome start), with the segments on either side
gaps_before_segments as (
    select
        sample_id,
        chromosome,
        lag(end_position) over by_position as gap_after,
        start_position as gap_before,
        lag(copy_number_value) over by_position as left_value,
        copy_number_value as right_value
    from segments
    window by_position as (partition by sample_id, chromosome order by start_position)
),

-- the stretch after each chromosome's last segment
gaps_after_last_segment as (
    select
        sample_id,
        chromosome,
        max(end_position) as gap_after,
        cast(null as bigint) as gap_before,
        arg_max(copy_number_value, end_position) as left_value,
        cast(null as double) as right_value
    from segments
    group by sample_id, chromosome
),

gaps as (
    select * from gaps_before_segments
    union all
    select * from gaps_after_last_segment
),

-- a gene no segment overlaps lies inside one gap: the mean of its flanking segments,
-- or the one flank a chromosome end leaves (GISTIC uses the flanking markers)
flanked as (
    select
        gaps.sample_id,
        genes.gene_symbol,
        (
            coalesce(gaps.left_value, gaps.right_value)
            + coalesce(gaps.right_value, gaps.left_value)
        ) / 2 as copy_number_value,
        'flanking_segments' as value_source
    from genes
    inner join gaps
        on
            genes.chromosome = gaps.chromosome
            -- a missing bound is a chromosome end: positions are >= 1 and < 2^63
            and genes.start_position > coalesce(gaps.gap_after, 0)
            and genes.end_position < coalesce(gaps.gap_before, 9223372036854775807)
),

final as (
    select * from contained
    union all
    select * from straddling
    union all
    select * from flanked
)

select * from final
