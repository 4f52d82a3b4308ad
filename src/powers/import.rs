//! Reading a power list from the files offices keep it in — UTF-8 CSV (with or without a
//! BOM) and XLSX — into rows of values, with every problem located by the row number the
//! user sees (the header is row 1) and the column's field name. Plain Rust; the rules of
//! what a row may say live in `model.rs`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

use crate::powers::model::{ImportRow, PowerCategory, PowerContent, RowError, normalize_code};

/// The columns of an import file, named as the API's fields.
pub const COLUMNS: [&str; 10] = [
    "code",
    "name",
    "category",
    "legal_basis",
    "source_department",
    "fine_min_fen",
    "fine_max_fen",
    "requires_av_record",
    "effective_from",
    "effective_to",
];

/// Columns a file must have; the others may be left out (blank).
pub const REQUIRED_COLUMNS: [&str; 5] = ["code", "name", "category", "legal_basis", "source_department"];

/// More data rows than any power list has; beyond it the file is refused.
pub const MAX_ROWS: usize = 10_000;

pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Csv,
    Xlsx,
}

impl ImportFormat {
    /// From a `Content-Type` header value (parameters such as `charset` are ignored).
    pub fn from_content_type(value: &str) -> Option<ImportFormat> {
        let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/csv" => Some(ImportFormat::Csv),
            XLSX_CONTENT_TYPE => Some(ImportFormat::Xlsx),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Csv => "csv",
            ImportFormat::Xlsx => "xlsx",
        }
    }
}

/// A file read into trimmed text cells. Blank rows are dropped; row numbers stay those
/// of the file.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub header_row: usize,
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// Cells that hold no value at all (spreadsheet errors such as `#REF!`).
    pub cell_errors: Vec<RowError>,
}

/// Reads a file of either format; an unreadable file is one error on row 1.
pub fn read_sheet(format: ImportFormat, bytes: &[u8]) -> Result<Sheet, RowError> {
    let sheet = match format {
        ImportFormat::Csv => read_csv(bytes),
        ImportFormat::Xlsx => read_xlsx(bytes),
    }?;
    // Databases refuse NUL inside text; say so per row rather than fail the import.
    let rows =
        std::iter::once((sheet.header_row, &sheet.header)).chain(sheet.rows.iter().map(|(n, cells)| (*n, cells)));
    for (row, cells) in rows {
        if cells.iter().any(|c| c.contains('\0')) {
            return Err(RowError::new(
                row,
                None,
                "contains a NUL character, which text may not hold",
            ));
        }
    }
    Ok(sheet)
}

/// Adds a row read from the file: the first non-blank one is the header. A file with
/// more than `MAX_ROWS` data rows is refused at the row past the limit.
fn push_row(sheet: &mut Sheet, row: usize, cells: Vec<String>) -> Result<(), RowError> {
    if cells.iter().all(|c| c.is_empty()) {
        return Ok(());
    }
    if sheet.header.is_empty() {
        sheet.header_row = row;
        sheet.header = cells;
    } else {
        sheet.rows.push((row, cells));
    }
    if sheet.rows.len() > MAX_ROWS {
        return Err(RowError::new(
            row,
            None,
            format!("the file has more than {MAX_ROWS} rows"),
        ));
    }
    Ok(())
}

/// Reads UTF-8 CSV. Excel's "CSV UTF-8" adds a BOM; a file in GBK (Excel's default "CSV"
/// on Chinese Windows) is refused with a hint rather than read as mojibake.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, RowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(RowError::new(
            line,
            None,
            "the file is not UTF-8 text; save it as \"CSV UTF-8\" (e.g. in Excel: 另存为 → CSV UTF-8)",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut sheet = Sheet::default();
    // The reader reports where it started reading a record, before any blank lines it
    // skipped; a spreadsheet shows those lines as empty rows, so they are counted here. A
    // cell with line breaks spans several lines but is one row of the spreadsheet.
    let mut extra_lines = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            RowError::new(
                line.saturating_sub(extra_lines).max(1),
                None,
                format!("not valid CSV: {e}"),
            )
        })?;
        let (line, byte) = record
            .position()
            .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
        let row = (line + blank_lines_at(bytes, byte)).saturating_sub(extra_lines);
        extra_lines += record.iter().map(|cell| cell.matches('\n').count()).sum::<usize>();
        push_row(&mut sheet, row, record.iter().map(|c| c.trim().to_string()).collect())?;
    }
    Ok(sheet)
}

/// How many line breaks (blank lines) follow each other at `from`.
fn blank_lines_at(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    let mut lines = 0;
    loop {
        match bytes.get(at) {
            Some(b'\n') => at += 1,
            Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            Some(b'\r') => at += 1,
            _ => return lines,
        }
        lines += 1;
    }
}

/// The most an XLSX upload may unpack to. A power list of a few hundred rows unpacks to
/// well under a megabyte; a small upload that unpacks to gigabytes (a zip bomb) is refused
/// before anything is unpacked.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// The sizes an XLSX (a zip archive) declares for its parts, summed. The zip reader never
/// yields more than a part's declared size, so this bounds what unpacking can produce.
fn unpacked_size(bytes: &[u8]) -> Result<u64, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        let part = archive.by_index_raw(index).map_err(|e| e.to_string())?;
        total = total.saturating_add(part.size());
    }
    Ok(total)
}

/// Refuses a workbook that would unpack to more than `limit` bytes.
fn check_unpacked_size(bytes: &[u8], limit: u64) -> Result<(), RowError> {
    let unpacked =
        unpacked_size(bytes).map_err(|e| RowError::new(1, None, format!("not a readable XLSX workbook: {e}")))?;
    if unpacked > limit {
        return Err(RowError::new(
            1,
            None,
            format!("the workbook unpacks to {unpacked} bytes, more than the {limit} a power list may take"),
        ));
    }
    Ok(())
}

/// Reads the first worksheet of an XLSX workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, RowError> {
    let unreadable = |e: String| RowError::new(1, None, format!("not a readable XLSX workbook: {e}"));
    check_unpacked_size(bytes, MAX_XLSX_UNPACKED_BYTES)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("it has no worksheet".into()))?
        .map_err(|e| unreadable(e.to_string()))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut sheet = Sheet::default();
    for (offset, cells) in range.rows().enumerate() {
        let row = first_row as usize + offset + 1;
        // Cells left of the used range's first column are empty; keep positions aligned
        // with the header regardless.
        let mut texts = vec![String::new(); first_col as usize];
        for (col, cell) in cells.iter().enumerate() {
            match cell_text(cell) {
                Ok(text) => texts.push(text),
                Err(reason) => {
                    texts.push(String::new());
                    let column = sheet.header.get(first_col as usize + col).cloned();
                    sheet.cell_errors.push(RowError { row, column, reason });
                }
            }
        }
        push_row(&mut sheet, row, texts)?;
    }
    Ok(sheet)
}

/// A spreadsheet cell as the text a CSV would hold: whole numbers without a decimal
/// point, dates as YYYY-MM-DD.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds a spreadsheet error ({e})")),
    })
}

/// The header of a file, mapped to the columns an import knows: where each one is, when
/// the file has it. Shared by the imports of the power list and of the discretion
/// benchmarks.
#[derive(Debug, Clone)]
pub struct Header {
    columns: &'static [&'static str],
    index_of: Vec<Option<usize>>,
    width: usize,
}

impl Header {
    /// Maps the sheet's header to `columns` (names compared without regard to ASCII case).
    /// Each unknown, repeated or missing required column is a problem on the header row,
    /// added to `errors`; with any, or an empty file, there is no header to read rows by.
    /// A header without data rows is a problem too, but rows can still be read (none).
    pub fn read(
        sheet: &Sheet,
        columns: &'static [&'static str],
        required: &[&str],
        errors: &mut Vec<RowError>,
    ) -> Option<Header> {
        if sheet.header.is_empty() {
            errors.push(RowError::new(1, None, "the file is empty; row 1 must name the columns"));
            return None;
        }
        let header_row = sheet.header_row;
        let mut index_of: Vec<Option<usize>> = vec![None; columns.len()];
        for (position, raw) in sheet.header.iter().enumerate() {
            let name = raw.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            match columns.iter().position(|c| *c == name) {
                Some(column) if index_of[column].is_some() => {
                    errors.push(RowError::new(header_row, Some(&name), "the column appears twice"));
                }
                Some(column) => index_of[column] = Some(position),
                None => errors.push(RowError::new(
                    header_row,
                    Some(&name),
                    format!("unknown column; the columns are {}", columns.join(",")),
                )),
            }
        }
        for required in required {
            if columns
                .iter()
                .position(|c| c == required)
                .is_some_and(|i| index_of[i].is_none())
            {
                errors.push(RowError::new(header_row, Some(required), "required column is missing"));
            }
        }
        if !errors.iter().all(|e| e.row != header_row) {
            return None;
        }
        if sheet.rows.is_empty() {
            errors.push(RowError::new(header_row + 1, None, "the file has no data rows"));
        }
        Some(Header {
            columns,
            index_of,
            width: sheet.header.len(),
        })
    }

    /// The text of `column` in a data row; empty when the file has no such column.
    pub fn cell<'a>(&self, cells: &'a [String], column: &str) -> &'a str {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.index_of[i])
            .and_then(|i| cells.get(i))
            .map_or("", String::as_str)
    }

    /// Whether a data row has values right of the last named column.
    pub fn overflows(&self, cells: &[String]) -> bool {
        cells.iter().skip(self.width).any(|c| !c.is_empty())
    }
}

/// Maps the header to the known columns and reads each data row into values. Returns
/// the rows that could be read and every problem found; a bad header stops there.
pub fn rows_of(sheet: &Sheet) -> (Vec<ImportRow>, Vec<RowError>) {
    let mut errors = sheet.cell_errors.clone();
    let Some(header) = Header::read(sheet, &COLUMNS, &REQUIRED_COLUMNS, &mut errors) else {
        return (Vec::new(), errors);
    };
    let mut rows = Vec::new();
    for (row, cells) in &sheet.rows {
        let cell = |column: &str| -> &str { header.cell(cells, column) };
        let before = errors.len();
        if header.overflows(cells) {
            errors.push(RowError::new(*row, None, "has values beyond the last named column"));
        }
        let mut read = |column: &str, result: Result<(), String>| {
            if let Err(reason) = result {
                errors.push(RowError::new(*row, Some(column), reason));
            }
        };
        let category = PowerCategory::parse_label(cell("category"));
        read(
            "category",
            category.map(|_| ()).ok_or_else(|| {
                "must be one of penalty, inspection, coercion, other (or 行政处罚, 行政检查, 行政强制, 其他)".into()
            }),
        );
        let fine_min_fen = parse_fen(cell("fine_min_fen"));
        read("fine_min_fen", fine_min_fen.as_ref().map(|_| ()).map_err(Clone::clone));
        let fine_max_fen = parse_fen(cell("fine_max_fen"));
        read("fine_max_fen", fine_max_fen.as_ref().map(|_| ()).map_err(Clone::clone));
        let requires_av_record = parse_flag(cell("requires_av_record"));
        read(
            "requires_av_record",
            requires_av_record.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let effective_from = parse_date(cell("effective_from"));
        read(
            "effective_from",
            effective_from.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let effective_to = parse_date(cell("effective_to"));
        read("effective_to", effective_to.as_ref().map(|_| ()).map_err(Clone::clone));
        if errors.len() > before {
            continue;
        }
        if let (
            Some(category),
            Ok(fine_min_fen),
            Ok(fine_max_fen),
            Ok(requires_av_record),
            Ok(effective_from),
            Ok(effective_to),
        ) = (
            category,
            fine_min_fen,
            fine_max_fen,
            requires_av_record,
            effective_from,
            effective_to,
        ) {
            rows.push(ImportRow {
                row: *row,
                code: normalize_code(cell("code")),
                content: PowerContent {
                    name: cell("name").to_string(),
                    category,
                    legal_basis: cell("legal_basis").to_string(),
                    source_department: cell("source_department").to_string(),
                    fine_min_fen,
                    fine_max_fen,
                    requires_av_record,
                }
                .normalized(),
                effective_from,
                effective_to,
            });
        }
    }
    (rows, errors)
}

/// A whole number of fen; blank is none. Thousands separators are not accepted: an
/// amount in yuan typed by mistake (`200.00`) must not silently become 200 fen.
pub fn parse_fen(value: &str) -> Result<Option<i64>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .map(Some)
        .map_err(|_| "must be a whole number of fen (分), e.g. 20000 for ¥200".into())
}

/// true/false, also 1/0, yes/no and 是/否; blank is false.
pub fn parse_flag(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "n" | "否" => Ok(false),
        "true" | "1" | "yes" | "y" | "是" => Ok(true),
        _ => Err("must be true or false".into()),
    }
}

/// YYYY-MM-DD (also YYYY/MM/DD, as spreadsheets often write it); blank is none.
pub fn parse_date(value: &str) -> Result<Option<NaiveDate>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    ["%Y-%m-%d", "%Y/%m/%d"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(value, format).ok())
        .map(Some)
        .ok_or_else(|| "must be a date written YYYY-MM-DD".into())
}

/// The sample power list of a street office, as shipped in `reference/sample-powers.csv`.
pub const SAMPLE_POWERS_CSV: &str = include_str!("../../reference/sample-powers.csv");

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "code,name,category,legal_basis,source_department,fine_min_fen,fine_max_fen,requires_av_record,effective_from,effective_to";

    #[test]
    fn content_types_pick_the_format() {
        assert_eq!(
            ImportFormat::from_content_type("text/csv; charset=utf-8"),
            Some(ImportFormat::Csv)
        );
        assert_eq!(
            ImportFormat::from_content_type(XLSX_CONTENT_TYPE),
            Some(ImportFormat::Xlsx)
        );
        assert_eq!(ImportFormat::from_content_type("application/json"), None);
    }

    #[test]
    fn csv_rows_keep_the_numbers_the_user_sees() {
        let csv = format!(
            "\u{feff}{HEADER}\nXF-1,名称,penalty,《条例》第一条,城市管理,,,,2024-01-01,\n\n\"XF-2\",\"两行\n名称\",行政检查,依据,市场监管,0,100,是,2024/1/1,\r\n\r\n\r\nXF-3,x,bogus,y,z,abc,1.5,maybe,2024-13-01,\n"
        );
        let sheet = read_csv(csv.as_bytes()).unwrap();
        assert_eq!(sheet.header_row, 1);
        let numbers: Vec<usize> = sheet.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, vec![2, 4, 7]);
        let (rows, errors) = rows_of(&sheet);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].content.name, "两行\n名称");
        assert_eq!(rows[1].content.category, PowerCategory::Inspection);
        assert!(rows[1].content.requires_av_record);
        assert_eq!(rows[1].effective_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        let located: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            located,
            vec![
                (7, Some("category")),
                (7, Some("fine_min_fen")),
                (7, Some("fine_max_fen")),
                (7, Some("requires_av_record")),
                (7, Some("effective_from")),
            ]
        );
    }

    #[test]
    fn the_header_must_name_known_columns() {
        let sheet = read_csv("code,name,categroy,legal_basis,name\nA,b,c,d,e\n".as_bytes()).unwrap();
        let (rows, errors) = rows_of(&sheet);
        assert!(rows.is_empty());
        let located: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
        assert_eq!(
            located,
            vec![
                (1, Some("categroy")),
                (1, Some("name")),
                (1, Some("category")),
                (1, Some("source_department")),
            ]
        );
        let (_, errors) = rows_of(&read_csv(b"").unwrap());
        assert_eq!(errors[0].row, 1);
    }

    #[test]
    fn gbk_csv_is_refused_with_a_hint() {
        // "名称" in GBK.
        let error = read_csv(b"code,name\nA,\xC3\xFB\xB3\xC6\n").unwrap_err();
        assert_eq!(error.row, 2);
        assert!(error.reason.contains("UTF-8"));
    }

    #[test]
    fn cells_parse_strictly() {
        assert_eq!(parse_fen("20000"), Ok(Some(20000)));
        assert_eq!(parse_fen(""), Ok(None));
        assert!(parse_fen("200.00").is_err());
        assert!(parse_fen("20,000").is_err());
        assert_eq!(parse_flag("TRUE"), Ok(true));
        assert_eq!(parse_flag("否"), Ok(false));
        assert_eq!(parse_date("2024-02-29").unwrap(), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("29.02.2024").is_err());
    }

    #[test]
    fn the_sample_list_reads_without_errors() {
        let sheet = read_csv(SAMPLE_POWERS_CSV.as_bytes()).unwrap();
        let (rows, errors) = rows_of(&sheet);
        assert_eq!(errors, vec![]);
        assert!(rows.len() >= 100, "{} rows", rows.len());
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let (actions, errors) = crate::powers::model::plan_import(&rows, &Default::default(), today);
        assert_eq!(errors, vec![]);
        assert_eq!(actions.len(), rows.len());
        for category in PowerCategory::ALL {
            assert!(rows.iter().any(|r| r.content.category == *category), "{category:?}");
        }
        assert!(rows.iter().any(|r| r.content.requires_av_record));
    }

    #[test]
    fn a_workbook_that_unpacks_beyond_the_limit_is_refused_before_unpacking() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "code").unwrap();
        sheet.write_string(1, 0, "XF-CG-001").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let unpacked = unpacked_size(&bytes).unwrap();
        assert!(unpacked > 1000, "{unpacked}");
        assert!(check_unpacked_size(&bytes, unpacked).is_ok());
        let refused = check_unpacked_size(&bytes, unpacked - 1).unwrap_err();
        assert!(refused.reason.contains("unpacks to"), "{}", refused.reason);
        assert!(read_xlsx(&bytes).is_ok());
        assert!(read_xlsx(b"PK not a zip").is_err());
    }
}
