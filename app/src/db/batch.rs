//! Many rows in few statements, for the seed and for derived tables.

use sqlx::AnyConnection;

/// A value for a batched insert.
pub(crate) enum V {
    I(i64),
    F(f64),
    T(String),
    /// A NULL text: PostgreSQL wants NULLs of the column's type.
    Null,
    NullInt,
}

/// Collects rows and inserts them many at a time: one statement per few
/// hundred rows instead of one per row.
pub(crate) struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<V>>,
}

/// Bound parameters per statement: under SQLite's limit of 32,766.
const MAX_PARAMS: usize = 30_000;

impl Batch {
    pub(crate) fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, values: Vec<V>) {
        debug_assert_eq!(values.len(), self.columns.len(), "{}", self.table);
        self.rows.push(values);
    }

    /// Inserts the rows collected so far, many per statement.
    pub(crate) async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let width = self.columns.len();
        let per_statement = (MAX_PARAMS / width).min(500);
        while !self.rows.is_empty() {
            let take = self.rows.len().min(per_statement);
            let chunk: Vec<Vec<V>> = self.rows.drain(..take).collect();
            let mut sql = format!(
                "INSERT INTO {} ({}) VALUES ",
                self.table,
                self.columns.join(", ")
            );
            for r in 0..chunk.len() {
                if r > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for c in 0..width {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${}", r * width + c + 1));
                }
                sql.push(')');
            }
            // Table and column names are our constants; values are bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for value in chunk.into_iter().flatten() {
                query = match value {
                    V::I(i) => query.bind(i),
                    V::F(f) => query.bind(f),
                    V::T(t) => query.bind(t),
                    V::Null => query.bind(Option::<String>::None),
                    V::NullInt => query.bind(Option::<i64>::None),
                };
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}
