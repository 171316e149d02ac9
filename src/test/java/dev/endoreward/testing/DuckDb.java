package dev.endoreward.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Parquet back with DuckDB, a reader independent of Spark and of parquet-java. */
public final class DuckDb {
  private DuckDb() {}

  /** Every row of {@code sql}, as column name to value maps, in the query's order. */
  public static List<Map<String, Object>> query(String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData meta = result.getMetaData();
      List<Map<String, Object>> rows = new ArrayList<>();
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object value = result.getObject(i);
          row.put(meta.getColumnName(i), value instanceof java.sql.Array array ? toList(array) : value);
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot run DuckDB query " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code sql}, a statement without a result such as {@code COPY ... TO}. */
  public static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot run DuckDB statement " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Column name to DuckDB type of the Parquet files matching {@code glob}. */
  public static Map<String, String> schema(String glob) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (Map<String, Object> row : query("DESCRIBE SELECT * FROM read_parquet('" + glob + "')")) {
      columns.put((String) row.get("column_name"), (String) row.get("column_type"));
    }
    return columns;
  }

  private static List<Object> toList(java.sql.Array array) throws SQLException {
    return java.util.Arrays.asList((Object[]) array.getArray());
  }
}
