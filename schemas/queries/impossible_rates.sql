-- title: Rates above 100 % and fractions with a part larger than the whole
-- description: Rate metrics (keys ending in _rate) stated above 100 % or below 0, and fractions a/b
--   with a > b: either a typing or OCR error or a figure that means something else than it says.
-- example: duckdb corpus.duckdb < schemas/queries/impossible_rates.sql
SELECT
    d.path, f.fact_id, f.kind, f.metric, f.value, f.numerator, f.denominator, f.quote,
    s.path AS section_path, f.page,
    CASE WHEN f.kind = 'ratio' THEN 'part larger than the whole' ELSE 'rate outside 0..100 %' END AS problem
FROM facts f
JOIN documents d USING (doc_id)
LEFT JOIN sections s ON s.doc_id = f.doc_id AND s.section_id = f.section_id
WHERE (f.metric LIKE '%\_rate' ESCAPE '\' AND f.kind = 'percent' AND (f.value > 100 OR f.value < 0))
   OR (f.kind = 'ratio' AND f.numerator > f.denominator)
ORDER BY d.path, f.char_start;
