-- baocao storage schema (DuckDB). Names and types of the contract columns are fixed by
-- ../shared/CONTRACT.md; extra columns come after them. Every statement is idempotent so that
-- opening an existing database re-applies it safely.

-- The marker that makes a file baocao's: a writer refuses (unchanged) any DuckDB file that has tables
-- but neither this nor the contract tables. One row per schema version applied.
CREATE TABLE IF NOT EXISTS baocao_schema (
    version     INTEGER,
    applied_at  TIMESTAMP
);

CREATE TABLE IF NOT EXISTS documents (
    doc_id            VARCHAR PRIMARY KEY,  -- derived from the file content (sha256 prefix)
    path              VARCHAR,
    sha256            VARCHAR,
    source_kind       VARCHAR,              -- text | pdf | pdf-ocr | image-ocr | docx
    doc_number        VARCHAR,
    doc_type          VARCHAR,
    title             VARCHAR,
    issuer            VARCHAR,
    province          VARCHAR,
    place             VARCHAR,
    issued_date       DATE,
    issued_date_text  VARCHAR,
    signer            VARCHAR,
    n_pages           INTEGER,
    text              VARCHAR,              -- the normalized text every char offset refers to
    ingested_at       TIMESTAMP
);

CREATE TABLE IF NOT EXISTS pages (
    doc_id          VARCHAR,
    page            INTEGER,
    source          VARCHAR,               -- text | text_layer | ocr
    chars           INTEGER,
    ocr_confidence  DOUBLE,
    seconds         DOUBLE,
    status          VARCHAR,               -- ok | empty | ocr_timeout | ocr_failed | ocr_unavailable
    char_start      INTEGER,               -- where the page begins in documents.text
    char_end        INTEGER
);

-- Marks normalization left on the text: footnote references (label = the footnote number), asides
-- (footnote bodies and other non-prose) and lines that were bold. `baocao check` rebuilds the
-- normalized text from documents.text plus these, exactly as ingest saw it.
CREATE TABLE IF NOT EXISTS text_marks (
    doc_id      VARCHAR,
    kind        VARCHAR,                   -- footnote | aside | bold_line | ocr_repair | ocr_doubt
    char_start  INTEGER,
    char_end    INTEGER,
    label       VARCHAR
);

CREATE TABLE IF NOT EXISTS sections (
    doc_id      VARCHAR,
    section_id  VARCHAR,
    parent_id   VARCHAR,
    level       INTEGER,
    label       VARCHAR,
    heading     VARCHAR,
    path        VARCHAR,
    char_start  INTEGER,
    char_end    INTEGER,
    page        INTEGER,
    kind        VARCHAR,
    repaired_from VARCHAR                  -- the label as OCR read it, when repaired by sequence
);

-- Databases made before a column existed get it here (every statement of this file runs on connect).
ALTER TABLE sections ADD COLUMN IF NOT EXISTS repaired_from VARCHAR;

CREATE TABLE IF NOT EXISTS facts (
    doc_id       VARCHAR,
    fact_id      VARCHAR,
    section_id   VARCHAR,
    metric       VARCHAR,                  -- FORMAT.md vocabulary key, NULL when none fits
    value        DOUBLE,
    unit         VARCHAR,
    kind         VARCHAR,                  -- count | percent | money | ratio | other
    numerator    DOUBLE,
    denominator  DOUBLE,
    subject      VARCHAR,
    period       VARCHAR,
    quote        VARCHAR,
    char_start   INTEGER,
    char_end     INTEGER,
    page         INTEGER,
    extractor    VARCHAR,
    confidence   DOUBLE,
    decimals     INTEGER,
    qualifier    VARCHAR,
    status       VARCHAR,
    metric_key   VARCHAR                   -- the metric catalog's key (schemas/metrics.yaml)
);
ALTER TABLE facts ADD COLUMN IF NOT EXISTS metric_key VARCHAR;

CREATE TABLE IF NOT EXISTS checks (
    doc_id      VARCHAR,
    check_id    VARCHAR,
    rule        VARCHAR,
    status      VARCHAR,                   -- ok | mismatch | unverifiable
    stated      DOUBLE,
    expected    DOUBLE,
    tolerance   DOUBLE,
    operands    DOUBLE[],
    message_vi  VARCHAR,
    message_en  VARCHAR,
    quote       VARCHAR,
    char_start  INTEGER,
    char_end    INTEGER,
    page        INTEGER,
    fact_ids    VARCHAR[],
    reason      VARCHAR,                   -- why unverifiable
    section_id  VARCHAR,
    severity    DOUBLE,                    -- confidence × size of the gap, for "worst first"
    confidence  DOUBLE                     -- how strongly the structure supports the reading, 0–1
);
-- databases created before the column existed
ALTER TABLE checks ADD COLUMN IF NOT EXISTS confidence DOUBLE;

CREATE TABLE IF NOT EXISTS entities (
    doc_id      VARCHAR,
    entity_id   VARCHAR,
    label       VARCHAR,
    text        VARCHAR,
    normalized  VARCHAR,
    char_start  INTEGER,
    char_end    INTEGER,
    section_id  VARCHAR
);

-- Auditors' decisions; keyed by check_id, which is stable across re-ingest and re-check,
-- and never deleted when a document is replaced.
CREATE TABLE IF NOT EXISTS reviews (
    check_id  VARCHAR,
    decision  VARCHAR,                     -- confirmed | dismissed
    note      VARCHAR,
    "by"      VARCHAR,
    "at"      TIMESTAMP
);

CREATE TABLE IF NOT EXISTS ingest_errors (
    path    VARCHAR,
    sha256  VARCHAR,
    stage   VARCHAR,
    error   VARCHAR,
    "at"    TIMESTAMP
);

CREATE OR REPLACE VIEW latest_reviews AS
SELECT * EXCLUDE (rn) FROM (
    SELECT r.*, row_number() OVER (PARTITION BY check_id ORDER BY "at" DESC) AS rn FROM reviews r
) WHERE rn = 1;

-- The report a file belongs to (pipeline/reports.py): the same for a signed PDF, its DOCX and a scan.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS report_key VARCHAR;

CREATE OR REPLACE VIEW mismatches AS
SELECT
    c.*,
    d.path,
    d.report_key,
    d.issuer,
    d.province,
    d.issued_date,
    s.path AS section_path,
    lr.decision AS review_decision,
    lr.note AS review_note
FROM checks c
JOIN documents d USING (doc_id)
LEFT JOIN sections s ON s.doc_id = c.doc_id AND s.section_id = c.section_id
LEFT JOIN latest_reviews lr ON lr.check_id = c.check_id
WHERE c.status = 'mismatch';

CREATE OR REPLACE VIEW check_summary AS
SELECT
    d.doc_id,
    d.path,
    d.issuer,
    d.province,
    count(c.check_id) AS relations_checked,
    count(c.check_id) FILTER (WHERE c.status = 'ok') AS ok,
    count(c.check_id) FILTER (WHERE c.status = 'mismatch') AS mismatches,
    count(c.check_id) FILTER (WHERE c.status = 'unverifiable') AS unverifiable
FROM documents d
LEFT JOIN checks c USING (doc_id)
GROUP BY ALL;


-- One file per report, the best read (text, then DOCX, then a text-layer PDF, then OCR): counts join
-- this view so a report stored as a PDF, a DOCX and a scan is counted once; `files` lists them all.
CREATE OR REPLACE VIEW report_primary AS
SELECT doc_id, report_key, n_files, files FROM (
    SELECT
        d.doc_id,
        coalesce(d.report_key, d.doc_id) AS report_key,
        count(*) OVER w AS n_files,
        list(d.path) OVER (w ORDER BY d.path ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS files,
        row_number() OVER (w ORDER BY CASE d.source_kind WHEN 'text' THEN 0 WHEN 'docx' THEN 1 WHEN 'pdf' THEN 2
                                      ELSE 3 END, d.path) AS rn
    FROM documents d
    WINDOW w AS (PARTITION BY coalesce(d.report_key, d.doc_id))
) WHERE rn = 1;
