-- title: Reports whose online-dossier rate fell year on year
-- description: For each unit, its online-dossier rate (metric online_dossier_rate, averaged per year)
--   compared with the previous year for which a figure exists; rows where it fell by more than
--   $min_drop points, biggest fall first, with the reports that state the newer figure.
-- param: min_drop = 0.0 | smallest fall, in percentage points, worth listing
-- param: metric = "online_dossier_rate" | another rate metric can be compared the same way
-- example: queries.run_named(con, "online_rate_fell", min_drop=2.0)   (see notebooks/explore.ipynb)
WITH yearly AS (
    SELECT
        coalesce(f.subject, d.issuer, '(không rõ / unknown)') AS unit,
        coalesce(try_cast(substr(f.period, 1, 4) AS INTEGER), year(d.issued_date),
                 try_cast(substr(d.issued_date_text, 1, 4) AS INTEGER)) AS year,
        avg(f.value) AS rate,
        string_agg(DISTINCT d.path, '; ') AS reports
    FROM facts f
    JOIN documents d USING (doc_id)
    WHERE f.metric = $metric
    GROUP BY ALL
), compared AS (
    SELECT
        unit, year, rate, reports,
        lag(year) OVER w AS previous_year,
        lag(rate) OVER w AS previous_rate
    FROM yearly
    WHERE year IS NOT NULL
    WINDOW w AS (PARTITION BY unit ORDER BY year)
)
SELECT
    unit, previous_year, round(previous_rate, 2) AS previous_rate, year, round(rate, 2) AS rate,
    round(previous_rate - rate, 2) AS fall_points, reports
FROM compared
WHERE previous_rate IS NOT NULL AND previous_rate - rate > $min_drop
ORDER BY fall_points DESC, unit, year;
