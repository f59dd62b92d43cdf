// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE [--today D] report [--days N] [--format text|json|csv|html] [--section S]
//         [--office X]... [--action-type T]... [--subscriber X]... [--subscriber-type T]...
//         [--project ID|NAME] [--limit N] [--fail-on expired|expiring]
//   certo ... report --person ID|CODE [--project ID|NAME] [--format text|json|csv|html]
//   certo ... report --matrix [--office X]... [--project ID|NAME] --format csv|html
// The compliance report of Engine::Report, formatted: a terminal table as wide as the terminal
// (text), the JSON of POST /v2/report (json), one table of comma-separated values per file
// (csv --section, LF line endings, for pandas.read_csv and spreadsheets), or one self-contained
// HTML page with its charts drawn as inline SVG (html: no script, no network, a Content-
// Security-Policy that forbids loading anything; it scales down to a phone and prints).
// --person prints one person's card (Engine::PersonRequirements) in the same four formats;
// --matrix the training matrix (Engine::TrainingMatrix) as CSV or one HTML page.

#include "certo/calendar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"

namespace certo::cli {

namespace {

// The charts stack the statuses worst first.
const ScheduleStatus kWorstFirst[] = {ScheduleStatus::kExpired, ScheduleStatus::kExpiring,
                                      ScheduleStatus::kValid, ScheduleStatus::kNew};

// "A, B or C".
std::string OneOf(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  }
  return out;
}

std::string Percent(std::optional<double> value) {
  if (!value) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", std::round(*value * 10.0) / 10.0);
  return buf;
}

std::string Number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", value);
  return buf;
}

// Ids are compared in lower case, names case-insensitively.
std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Who or what: "Marco Ferrari (E002)".
std::string Who(const ReportEntry& e) {
  return e.subscriber_code ? e.subscriber_name + " (" + *e.subscriber_code + ")"
                           : e.subscriber_name;
}

std::string Requirement(const ReportEntry& e) {
  return e.action_code ? e.action_name + " (" + *e.action_code + ")" : e.action_name;
}

// ---- text -----------------------------------------------------------------------------------

size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

// The text report's width: the terminal's, or 80 (TerminalWidth); set by the command.
int text_width = 80;

// The first n code points of s, with "…" in place of the rest when it is longer.
std::string Cut(const std::string& s, size_t n) {
  if (Width(s) <= n) return s;
  std::string out;
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(s[i]) & 0xc0) != 0x80;
    if (starts && ++points > n - 1) break;
    out += s[i];
  }
  return out + "\u2026";
}

// A table of left-aligned text and right-aligned numbers, two spaces between columns. A table
// wider than text_width has its widest text columns cut (ending in "…"), never its numbers.
class Table {
 public:
  Table(std::vector<std::string> header, std::string right) : right_(std::move(right)) {
    rows_.push_back(std::move(header));
  }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const {
    std::vector<size_t> widths(rows_[0].size(), 0);
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
    }
    std::vector<bool> cuttable(widths.size(), false);
    for (size_t r = 1; r < rows_.size(); ++r) {
      for (size_t i = 0; i < rows_[r].size(); ++i)
        cuttable[i] = cuttable[i] || Width(rows_[r][i]) > 12;
    }
    size_t total = 2 * (widths.size() - 1);
    for (size_t w : widths) total += w;
    while (total > static_cast<size_t>(text_width)) {
      size_t widest = widths.size();
      for (size_t i = 0; i < widths.size(); ++i) {
        // Names are cut, down to 6 code points; numbers, dates and short words never.
        const bool text = !(i < right_.size() && right_[i] == 'r') && cuttable[i];
        if (text && widths[i] > 6 && (widest == widths.size() || widths[i] > widths[widest])) {
          widest = i;
        }
      }
      if (widest == widths.size()) break;  // nothing left to cut
      --widths[widest];
      --total;
    }
    for (size_t r = 0; r < rows_.size(); ++r) {
      std::string line;
      for (size_t i = 0; i < rows_[r].size(); ++i) {
        const std::string cell = Cut(rows_[r][i], widths[i]);
        const std::string pad(widths[i] - Width(cell), ' ');
        const bool right = i < right_.size() && right_[i] == 'r';
        if (i) line += "  ";
        line += right ? pad + cell : cell + (i + 1 < rows_[r].size() ? pad : "");
      }
      line.erase(line.find_last_not_of(' ') + 1);
      out << line << '\n';
      if (r == 0) out << std::string(total, '-') << '\n';
    }
  }

 private:
  std::string right_;  // 'r' for each right-aligned column
  std::vector<std::vector<std::string>> rows_;
};

// One cell per status, then the total and the compliance.
std::vector<std::string> CountCells(const ReportCounts& c) {
  std::vector<std::string> cells;
  for (ScheduleStatus s : kScheduleStatuses) cells.push_back(std::to_string(c.at(s)));
  cells.push_back(std::to_string(c.total()));
  cells.push_back(Percent(c.compliance()));
  return cells;
}

// The header of those cells.
std::vector<std::string> CountHeader(const std::string& first, const char* total,
                                     const char* compliance) {
  std::vector<std::string> header{first};
  for (ScheduleStatus s : kScheduleStatuses) header.push_back(StatusName(s));
  header.push_back(total);
  header.push_back(compliance);
  return header;
}

// A trend point's counts, as the report's other counts.
ReportCounts CountsOf(const TrendPoint& p) {
  ReportCounts c;
  for (ScheduleStatus s : kScheduleStatuses) {
    auto it = p.counts.find(s);
    c.at(s) = it == p.counts.end() ? 0 : it->second;
  }
  return c;
}

void PrintGroups(std::ostream& out, const std::string& title,
                 const std::vector<ReportGroup>& groups) {
  Table t(CountHeader(title, "Total", "Compliance"), "lrrrrrr");
  for (const ReportGroup& g : groups) {
    std::vector<std::string> row{g.name};
    for (std::string& cell : CountCells(g.counts)) row.push_back(std::move(cell));
    t.Add(std::move(row));
  }
  t.Print(out);
}

void PrintMore(std::ostream& out, size_t shown, int64_t total) {
  if (static_cast<int64_t>(shown) < total) {
    out << "... and " << total - static_cast<int64_t>(shown) << " more (raise --limit)\n";
  }
}

void TextTotals(std::ostream& out, const ComplianceReport& r) {
  Table t({"Status", "Rows", "Share"}, "lrr");
  const int64_t total = r.totals.total();
  for (ScheduleStatus status : kScheduleStatuses) {
    const int64_t n = r.totals.at(status);
    t.Add({StatusName(status), std::to_string(n),
           Percent(total ? std::optional<double>(100.0 * n / total) : std::nullopt)});
  }
  t.Add({"Total", std::to_string(total), ""});
  t.Print(out);
  out << "Compliance (VALID + EXPIRING over all rows): " << Percent(r.totals.compliance()) << '\n';
  if (r.retired > 0) {
    out << "Not counted: " << r.retired << " retired row" << (r.retired == 1 ? "" : "s")
        << " (or under a retired parent)\n";
  }
  out << '\n';
}

void TextTrend(std::ostream& out, const ComplianceReport& r) {
  out << "Compliance over the last 12 months (status on each day)\n";
  Table t(CountHeader("Date", "Total", "Compliance"), "lrrrrrr");
  for (const TrendPoint& p : r.compliance_trend) {
    std::vector<std::string> row{FormatDate(p.date)};
    for (std::string& cell : CountCells(CountsOf(p))) row.push_back(std::move(cell));
    t.Add(std::move(row));
  }
  t.Print(out);
}

void TextExpired(std::ostream& out, const ComplianceReport& r) {
  out << "EXPIRED: " << r.expired_total << " (most overdue first)\n";
  if (r.expired.empty()) {
    out << "(none)\n";
    return;
  }
  Table t({"Last valid day", "Days overdue", "Office", "Who / what", "Requirement", "Type"}, "lr");
  for (const ReportEntry& e : r.expired) {
    t.Add({e.date_expire, std::to_string(e.days), e.office_name, Who(e), e.action_name,
           e.action_type});
  }
  t.Print(out);
  PrintMore(out, r.expired.size(), r.expired_total);
}

// One list of rows that are not expired: their last valid day and the days left.
void TextComing(std::ostream& out, const std::vector<ReportEntry>& list, int64_t total) {
  if (list.empty()) {
    out << "(none)\n";
    return;
  }
  Table t({"Valid until", "Days left", "Status", "Office", "Who / what", "Requirement", "Type"},
          "lr");
  for (const ReportEntry& e : list) {
    t.Add({e.date_expire, std::to_string(e.days), StatusName(e.status), e.office_name, Who(e),
           e.action_name, e.action_type});
  }
  t.Print(out);
  PrintMore(out, list.size(), total);
}

void TextExpiring(std::ostream& out, const ComplianceReport& r) {
  out << "EXPIRING: " << r.expiring_total << " (inside their warning interval; soonest first)\n";
  TextComing(out, r.expiring, r.expiring_total);
  out << '\n';
  out << "Expires within " << r.days << " days: " << r.due_soon_total
      << " (EXPIRING or still VALID; soonest first)\n";
  TextComing(out, r.due_soon, r.due_soon_total);
}

void TextIncidents(std::ostream& out, const ComplianceReport& r) {
  out << "Open incidents without a corrective action: " << r.open_incidents_total << '\n';
  if (r.open_incidents.empty()) {
    out << "(none)\n";
    return;
  }
  // One column for both numbers ("1 of 3"), explained below: the table fits 80 columns.
  Table t({"Date", "Days open", "Office", "Code", "Incident", "Category", "Status", "People out"},
          "lrlllllr");
  for (const ReportIncident& i : r.open_incidents) {
    t.Add(
        {i.date_incident, std::to_string(i.days_open), i.office_name, i.code.value_or(""), i.name,
         i.category.value_or(""), i.status,
         std::to_string(i.people_out_of_compliance) + " of " + std::to_string(i.people_involved)});
  }
  t.Print(out);
  out << "People out: those involved who were NEW or EXPIRED on a requirement that day\n";
  PrintMore(out, r.open_incidents.size(), r.open_incidents_total);
}

void Text(std::ostream& out, const ComplianceReport& r) {
  out << "Compliance report as of " << FormatDate(r.as_of) << "\n\n";
  TextTotals(out, r);
  PrintGroups(out, "Office", r.offices);
  out << '\n';
  PrintGroups(out, "Action type", r.action_types);
  out << '\n';
  TextTrend(out, r);
  out << '\n';
  TextExpired(out, r);
  out << '\n';
  TextExpiring(out, r);
  out << '\n';
  TextIncidents(out, r);
}

// ---- csv ------------------------------------------------------------------------------------

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// LF line endings: what pandas.read_csv, Python's csv module and spreadsheets all read.
void CsvRow(std::ostream& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << CsvCell(cells[i]);
  out << '\n';
}

std::string CsvPercent(std::optional<double> value) {
  return value ? Number(std::round(*value * 10.0) / 10.0) : "";
}

// The counts: the total (with the retired rows left out of it), then per office and per action
// type. Column names say what they hold, in snake case.
void CsvCounts(std::ostream& out, const ComplianceReport& r) {
  auto counts = [&](const std::string& group, const std::string& key, const std::string& name,
                    const ReportCounts& c, const std::string& retired) {
    std::vector<std::string> row{group, key, name};
    for (ScheduleStatus s : kScheduleStatuses) row.push_back(std::to_string(c.at(s)));
    row.push_back(std::to_string(c.total()));
    row.push_back(CsvPercent(c.compliance()));
    row.push_back(retired);
    CsvRow(out, row);
  };
  std::vector<std::string> header{"group", "group_key", "group_name"};
  for (ScheduleStatus s : kScheduleStatuses) header.push_back(Lower(StatusName(s)) + "_rows");
  header.insert(header.end(), {"total_rows", "compliance_percent", "retired_rows"});
  CsvRow(out, header);
  counts("total", FormatDate(r.as_of), "all", r.totals, std::to_string(r.retired));
  for (const ReportGroup& g : r.offices) counts("office", g.key, g.name, g.counts, "");
  for (const ReportGroup& g : r.action_types) counts("action_type", g.key, g.name, g.counts, "");
}

void CsvList(std::ostream& out, const std::vector<ReportEntry>& list, bool expired) {
  CsvRow(out, {"status", "date_expire", expired ? "days_overdue" : "days_left", "office_name",
               "subscriber_type", "subscriber_code", "subscriber_name", "action_type",
               "action_code", "action_name", "certificate_date_release", "action_subscription_id",
               "subscriber_id", "action_id", "office_id"});
  for (const ReportEntry& e : list) {
    CsvRow(out,
           {StatusName(e.status), e.date_expire, std::to_string(e.days), e.office_name,
            e.subscriber_type, e.subscriber_code.value_or(""), e.subscriber_name, e.action_type,
            e.action_code.value_or(""), e.action_name, e.certificate_date_release.value_or(""),
            e.action_subscription_id, e.subscriber_id, e.action_id, e.office_id});
  }
}

void CsvTrend(std::ostream& out, const ComplianceReport& r) {
  std::vector<std::string> header{"date"};
  for (ScheduleStatus s : kScheduleStatuses) header.push_back(Lower(StatusName(s)) + "_rows");
  header.insert(header.end(), {"total_rows", "compliance_percent"});
  CsvRow(out, header);
  for (const TrendPoint& p : r.compliance_trend) {
    const ReportCounts c = CountsOf(p);
    std::vector<std::string> row{FormatDate(p.date)};
    for (ScheduleStatus s : kScheduleStatuses) row.push_back(std::to_string(c.at(s)));
    row.push_back(std::to_string(c.total()));
    row.push_back(CsvPercent(c.compliance()));
    CsvRow(out, row);
  }
}

void CsvMonths(std::ostream& out, const ComplianceReport& r) {
  CsvRow(out, {"month", "expiries"});
  for (const MonthCount& m : r.expiries_by_month) CsvRow(out, {m.month, std::to_string(m.count)});
}

void CsvIncidents(std::ostream& out, const ComplianceReport& r) {
  CsvRow(out, {"date_incident", "days_open", "office_name", "incident_code", "incident_name",
               "category", "status", "office_incident_id", "office_id", "people_involved",
               "people_out_of_compliance"});
  for (const ReportIncident& i : r.open_incidents) {
    CsvRow(out, {i.date_incident, std::to_string(i.days_open), i.office_name, i.code.value_or(""),
                 i.name, i.category.value_or(""), i.status, i.office_incident_id, i.office_id,
                 std::to_string(i.people_involved), std::to_string(i.people_out_of_compliance)});
  }
}

// The --section names of the CSV format, in the order of the text report.
const std::vector<std::string> kCsvSections = {"counts",   "trend",  "expired",  "expiring",
                                               "due-soon", "months", "incidents"};

// One table per file (--section), so that any CSV reader takes it as is.
void Csv(std::ostream& out, const ComplianceReport& r, const std::string& section) {
  if (section == "counts") CsvCounts(out, r);
  if (section == "expired") CsvList(out, r.expired, true);
  if (section == "expiring") CsvList(out, r.expiring, false);
  if (section == "due-soon") CsvList(out, r.due_soon, false);
  if (section == "trend") CsvTrend(out, r);
  if (section == "months") CsvMonths(out, r);
  if (section == "incidents") CsvIncidents(out, r);
}

// ---- html -----------------------------------------------------------------------------------

const char* Color(ScheduleStatus status) {
  switch (status) {
    case ScheduleStatus::kExpired:
      return "#c0392b";
    case ScheduleStatus::kExpiring:
      return "#e67e22";
    case ScheduleStatus::kValid:
      return "#27ae60";
    case ScheduleStatus::kNew:
      break;
  }
  return "#95a5a6";
}

const char* const kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string MonthLabel(const std::string& month) {  // "2026-11" -> "Nov 2026"
  int m = std::stoi(month.substr(5, 2));
  return std::string(kMonthNames[m - 1]) + " " + month.substr(0, 4);
}

// Stacked horizontal bars: one per office, each status's share of the office's rows.
void OfficeChart(std::ostream& out, const ComplianceReport& r) {
  const double label_w = 230, bar_w = 520, row_h = 34, top = 10;
  const double height = top + row_h * static_cast<double>(r.offices.size()) + 10;
  out << "<svg id=\"status-per-office\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""
      << " width=\"" << Number(label_w + bar_w + 90) << "\" height=\"" << Number(height)
      << "\" viewBox=\"0 0 " << Number(label_w + bar_w + 90) << ' ' << Number(height)
      << "\" role=\"img\" aria-label=\"Status per office\">\n";
  double y = top;
  for (const ReportGroup& g : r.offices) {
    const int64_t total = g.counts.total();
    out << "<g class=\"office\" data-office-id=\"" << HtmlEscape(g.key) << "\" data-office=\""
        << HtmlEscape(g.name) << "\" data-total=\"" << total << "\">\n";
    out << "<text x=\"" << Number(label_w - 8) << "\" y=\"" << Number(y + 17)
        << "\" text-anchor=\"end\">" << HtmlEscape(g.name) << "</text>\n";
    double x = label_w;
    for (ScheduleStatus status : kWorstFirst) {
      const int64_t n = g.counts.at(status);
      const double w = total ? bar_w * static_cast<double>(n) / static_cast<double>(total) : 0;
      out << "<rect class=\"segment\" data-status=\"" << StatusName(status) << "\" data-count=\""
          << n << "\" x=\"" << Number(x) << "\" y=\"" << Number(y) << "\" width=\"" << Number(w)
          << "\" height=\"24\" fill=\"" << Color(status) << "\"><title>" << HtmlEscape(g.name)
          << ": " << n << ' ' << StatusName(status) << "</title></rect>\n";
      if (n > 0 && w >= 28) {
        out << "<text class=\"count\" x=\"" << Number(x + w / 2) << "\" y=\"" << Number(y + 17)
            << "\" text-anchor=\"middle\" fill=\"#fff\">" << n << "</text>\n";
      }
      x += w;
    }
    out << "<text x=\"" << Number(label_w + bar_w + 8) << "\" y=\"" << Number(y + 17) << "\">"
        << Percent(g.counts.compliance()) << "</text>\n";
    out << "</g>\n";
    y += row_h;
  }
  out << "</svg>\n";
}

// Vertical bars: how many covers run out in each month.
void MonthChart(std::ostream& out, const ComplianceReport& r) {
  const double left = 40, bar_slot = 62, plot_h = 180, top = 24;
  const double width = left + bar_slot * static_cast<double>(r.expiries_by_month.size()) + 10;
  int64_t max = 0;
  for (const MonthCount& m : r.expiries_by_month) max = std::max(max, m.count);
  out << "<svg id=\"expiries-per-month\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""
      << " width=\"" << Number(width) << "\" height=\"" << Number(top + plot_h + 40)
      << "\" viewBox=\"0 0 " << Number(width) << ' ' << Number(top + plot_h + 40)
      << "\" role=\"img\" aria-label=\"Expiries per month\">\n";
  out << "<line x1=\"" << Number(left) << "\" y1=\"" << Number(top + plot_h) << "\" x2=\""
      << Number(width - 10) << "\" y2=\"" << Number(top + plot_h) << "\" stroke=\"#555\"/>\n";
  double x = left;
  for (const MonthCount& m : r.expiries_by_month) {
    const double h = max ? plot_h * static_cast<double>(m.count) / static_cast<double>(max) : 0;
    out << "<g class=\"month\">\n";
    out << "<rect class=\"bar\" data-month=\"" << m.month << "\" data-count=\"" << m.count
        << "\" x=\"" << Number(x + 10) << "\" y=\"" << Number(top + plot_h - h)
        << "\" width=\"42\" height=\"" << Number(h) << "\" fill=\"#2c7fb8\"><title>"
        << MonthLabel(m.month) << ": " << m.count << "</title></rect>\n";
    out << "<text class=\"count\" x=\"" << Number(x + 31) << "\" y=\""
        << Number(top + plot_h - h - 6) << "\" text-anchor=\"middle\">" << m.count << "</text>\n";
    out << "<text x=\"" << Number(x + 31) << "\" y=\"" << Number(top + plot_h + 18)
        << "\" text-anchor=\"middle\">" << MonthLabel(m.month).substr(0, 3) << "</text>\n";
    out << "<text x=\"" << Number(x + 31) << "\" y=\"" << Number(top + plot_h + 33)
        << "\" text-anchor=\"middle\" class=\"year\">" << m.month.substr(0, 4) << "</text>\n";
    out << "</g>\n";
    x += bar_slot;
  }
  out << "</svg>\n";
}

// A line: the compliance (VALID + EXPIRING share) on each day of the trend, 0..100%.
void TrendChart(std::ostream& out, const ComplianceReport& r) {
  const double left = 44, slot = 62, plot_h = 160, top = 16;
  const size_t n = r.compliance_trend.size();
  const double width = left + slot * static_cast<double>(n) + 10;
  const double height = top + plot_h + 40;
  out << "<svg id=\"compliance-trend\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""
      << " width=\"" << Number(width) << "\" height=\"" << Number(height) << "\" viewBox=\"0 0 "
      << Number(width) << ' ' << Number(height)
      << "\" role=\"img\" aria-label=\"Compliance over the last 12 months\">\n";
  for (int pct : {0, 50, 100}) {
    const double y = top + plot_h * (100 - pct) / 100.0;
    out << "<line x1=\"" << Number(left) << "\" y1=\"" << Number(y) << "\" x2=\""
        << Number(width - 10) << "\" y2=\"" << Number(y) << "\" stroke=\""
        << (pct == 0 ? "#555" : "#ddd") << "\"/>\n";
    out << "<text x=\"" << Number(left - 6) << "\" y=\"" << Number(y + 4)
        << "\" text-anchor=\"end\">" << pct << "%</text>\n";
  }
  std::string points;
  for (size_t i = 0; i < n; ++i) {
    const std::optional<double> c = CountsOf(r.compliance_trend[i]).compliance();
    if (!c) continue;  // no rows that day: no point, the line skips it
    points += (points.empty() ? "" : " ") + Number(left + slot * (static_cast<double>(i) + 0.5)) +
              "," + Number(top + plot_h * (100.0 - *c) / 100.0);
  }
  out << "<polyline class=\"line\" fill=\"none\" stroke=\"#2c7fb8\" stroke-width=\"2\" points=\""
      << points << "\"/>\n";
  for (size_t i = 0; i < n; ++i) {
    const TrendPoint& p = r.compliance_trend[i];
    const ReportCounts counts = CountsOf(p);
    const std::string date = FormatDate(p.date);
    const double x = left + slot * (static_cast<double>(i) + 0.5);
    out << "<g class=\"point\" data-date=\"" << date << "\" data-total=\"" << counts.total()
        << "\" data-compliance=\"" << CsvPercent(counts.compliance()) << "\"";
    for (ScheduleStatus s : kScheduleStatuses) {
      out << " data-" << Lower(StatusName(s)) << "=\"" << counts.at(s) << "\"";
    }
    out << ">\n";
    if (std::optional<double> c = counts.compliance()) {
      out << "<circle cx=\"" << Number(x) << "\" cy=\""
          << Number(top + plot_h * (100.0 - *c) / 100.0) << "\" r=\"4\" fill=\"#2c7fb8\"><title>"
          << date << ": " << Percent(c) << " of " << counts.total() << "</title></circle>\n";
    }
    out << "<text x=\"" << Number(x) << "\" y=\"" << Number(top + plot_h + 18)
        << "\" text-anchor=\"middle\">" << MonthLabel(date.substr(0, 7)).substr(0, 3)
        << "</text>\n";
    out << "<text x=\"" << Number(x) << "\" y=\"" << Number(top + plot_h + 33)
        << "\" text-anchor=\"middle\" class=\"year\">" << date.substr(0, 4) << "</text>\n";
    out << "</g>\n";
  }
  out << "</svg>\n";
}

void HtmlCounts(std::ostream& out, const std::string& title, const std::string& id,
                const std::vector<ReportGroup>& groups, const char* key_attr) {
  out << "<div class=\"scroll\"><table id=\"" << id << "\">\n<thead><tr>";
  for (const std::string& cell : CountHeader(title, "Total", "Compliance")) {
    out << "<th>" << HtmlEscape(cell) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (const ReportGroup& g : groups) {
    out << "<tr " << key_attr << "=\"" << HtmlEscape(g.key) << "\"><td>" << HtmlEscape(g.name)
        << "</td>";
    for (const std::string& cell : CountCells(g.counts)) {
      out << "<td class=\"n\">" << HtmlEscape(cell) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
}

void HtmlEntries(std::ostream& out, const std::string& id, const std::vector<ReportEntry>& list,
                 bool expired) {
  out << "<div class=\"scroll\"><table id=\"" << id << "\">\n<thead><tr><th>"
      << (expired ? "Last valid day" : "Valid until") << "</th><th>"
      << (expired ? "Days overdue" : "Days left")
      << "</th><th>Status</th><th>Office</th><th>Who / what</th><th>Requirement</th>"
         "<th>Type</th></tr></thead>\n<tbody>\n";
  for (const ReportEntry& e : list) {
    out << "<tr data-id=\"" << HtmlEscape(e.action_subscription_id) << "\"><td class=\"d\">"
        << e.date_expire << "</td><td class=\"n\">" << e.days << "</td><td><span class=\"status "
        << Lower(StatusName(e.status)) << "\">" << StatusName(e.status) << "</span></td><td>"
        << HtmlEscape(e.office_name) << "</td><td>" << HtmlEscape(Who(e)) << "</td><td>"
        << HtmlEscape(Requirement(e)) << "</td><td>" << e.action_type << "</td></tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
}

void HtmlHead(std::ostream& out, const ComplianceReport& r, const std::string& company) {
  const std::string date = FormatDate(r.as_of);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>"
      << HtmlEscape(company.empty() ? "" : company + ": ") << "Compliance report as of " << date
      << "</title>\n<style>\n"
         "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em;"
         "color:#222}\n"
         "h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}\n"
         ".cards{display:flex;gap:1em;flex-wrap:wrap}\n"
         ".card{border-radius:6px;padding:.6em 1.2em;color:#fff;min-width:7em}\n"
         ".card .n{font-size:1.8em;font-weight:bold;display:block}\n"
         ".card.compliance{background:#34495e}\n"
         "table{border-collapse:collapse;margin:.5em 0}\n"
         "th,td{padding:.25em .7em;border-bottom:1px solid #eee;text-align:left}\n"
         "td.n{text-align:right;font-variant-numeric:tabular-nums}td.d{white-space:nowrap}\n"
         ".status{padding:0 .4em;border-radius:3px;color:#fff;font-size:.85em}\n"
         ".status.expired{background:#c0392b}.status.expiring{background:#e67e22}\n"
         ".status.valid{background:#27ae60}.status.new{background:#95a5a6}\n"
         "svg.chart text{font-size:12px;fill:#222}svg.chart text.count{fill:#222}\n"
         "svg.chart g.office text.count{fill:#fff}svg.chart text.year{fill:#777;font-size:10px}\n"
         ".legend span{display:inline-block;margin-right:1em}\n"
         ".legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;"
         "vertical-align:middle}\n"
         ".none{color:#777}\n"
         // The charts scale down with the page (their viewBox keeps the drawing); wide tables
         // scroll inside themselves instead of widening a phone's page.
         "svg.chart{max-width:100%;height:auto}\n"
         ".scroll{overflow-x:auto;max-width:100%}\n"
         "@media (max-width:600px){body{margin:.6em;font-size:15px}"
         ".card{min-width:5em;padding:.4em .8em}th,td{padding:.2em .4em}}\n"
         // On paper: no colours to spare, nothing cut at a page break, every row printed.
         "@media print{body{margin:0;color:#000;font-size:10pt}.scroll{overflow:visible}"
         "h2{break-after:avoid}tr,svg.chart,.card{break-inside:avoid}"
         ".card,.status{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
         "a{color:#000;text-decoration:none}}\n"
         "</style>\n</head>\n<body>\n";
  out << "<h1>Compliance report";
  if (!company.empty()) out << ": <span id=\"company\">" << HtmlEscape(company) << "</span>";
  out << "</h1>\n<p>As of <time id=\"as-of\" datetime=\"" << date << "\">" << date
      << "</time>; due-soon list: the next " << r.days << " days.</p>\n";
}

void HtmlTotals(std::ostream& out, const ComplianceReport& r) {
  out << "<section id=\"totals\" class=\"cards\">\n";
  for (ScheduleStatus status : kScheduleStatuses) {
    const int64_t n = r.totals.at(status);
    out << "<div class=\"card\" style=\"background:" << Color(status) << "\" data-status=\""
        << StatusName(status) << "\" data-count=\"" << n << "\"><span class=\"n\">" << n
        << "</span>" << StatusName(status) << "</div>\n";
  }
  out << "<div class=\"card compliance\" data-total=\"" << r.totals.total()
      << "\" data-compliance=\"" << CsvPercent(r.totals.compliance()) << "\"><span class=\"n\">"
      << Percent(r.totals.compliance()) << "</span>compliance (VALID + EXPIRING) of "
      << r.totals.total() << "</div>\n</section>\n";
  if (r.retired > 0) {
    out << "<p id=\"retired\" data-count=\"" << r.retired << "\">Not counted: " << r.retired
        << " retired row" << (r.retired == 1 ? "" : "s")
        << " (historicized, or under a person, office, equipment or action that was).</p>\n";
  }
}

void HtmlOffices(std::ostream& out, const ComplianceReport& r) {
  out << "<h2>Status per office</h2>\n<p class=\"legend\">";
  for (ScheduleStatus status : kWorstFirst) {
    out << "<span><i style=\"background:" << Color(status) << "\"></i>" << StatusName(status)
        << "</span>";
  }
  out << "</p>\n";
  OfficeChart(out, r);
  HtmlCounts(out, "Office", "offices", r.offices, "data-office-id");
}

// One list (expired or expiring) under its heading, with how many the limit left out.
void HtmlList(std::ostream& out, const std::string& heading, const std::string& id,
              const std::vector<ReportEntry>& list, int64_t total, bool expired) {
  out << "<h2>" << heading << total << "</h2>\n";
  if (list.empty())
    out << "<p class=\"none\">None.</p>\n";
  else
    HtmlEntries(out, id, list, expired);
  if (static_cast<int64_t>(list.size()) < total) {
    out << "<p>... and " << total - static_cast<int64_t>(list.size()) << " more.</p>\n";
  }
}

void HtmlIncidents(std::ostream& out, const ComplianceReport& r) {
  out << "<h2>Open incidents without a corrective action: " << r.open_incidents_total << "</h2>\n";
  if (r.open_incidents.empty()) {
    out << "<p class=\"none\">None.</p>\n";
    return;
  }
  out << "<div class=\"scroll\"><table id=\"incidents\">\n<thead><tr><th>Date</th><th>Days "
         "open</th><th>Office</th>"
         "<th>Code</th><th>Incident</th><th>Category</th><th>Status</th><th>People</th>"
         "<th>Out of compliance on its date</th></tr></thead>\n"
         "<tbody>\n";
  for (const ReportIncident& i : r.open_incidents) {
    out << "<tr data-id=\"" << HtmlEscape(i.office_incident_id) << "\"><td class=\"d\">"
        << i.date_incident << "</td><td class=\"n\">" << i.days_open << "</td><td>"
        << HtmlEscape(i.office_name) << "</td><td>" << HtmlEscape(i.code.value_or(""))
        << "</td><td>" << HtmlEscape(i.name) << "</td><td>" << HtmlEscape(i.category.value_or(""))
        << "</td><td>" << HtmlEscape(i.status) << "</td><td class=\"n\">" << i.people_involved
        << "</td><td class=\"n\" data-out-of-compliance=\"" << i.people_out_of_compliance << "\">"
        << i.people_out_of_compliance << "</td></tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
}

// The trend's chart, then its numbers.
void HtmlTrend(std::ostream& out, const ComplianceReport& r) {
  out << "<h2>Compliance over the last 12 months</h2>\n";
  TrendChart(out, r);
  out << "<div class=\"scroll\"><table id=\"trend\">\n<thead><tr>";
  for (const std::string& cell : CountHeader("Date", "Total", "Compliance")) {
    out << "<th>" << HtmlEscape(cell) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (const TrendPoint& p : r.compliance_trend) {
    out << "<tr data-date=\"" << FormatDate(p.date) << "\"><td class=\"d\">" << FormatDate(p.date)
        << "</td>";
    for (const std::string& cell : CountCells(CountsOf(p))) {
      out << "<td class=\"n\">" << HtmlEscape(cell) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
}

void Html(std::ostream& out, const ComplianceReport& r, const std::string& company) {
  HtmlHead(out, r, company);
  HtmlTotals(out, r);
  HtmlOffices(out, r);
  out << "<h2>Compliance per action type</h2>\n";
  HtmlCounts(out, "Action type", "action-types", r.action_types, "data-action-type");
  HtmlTrend(out, r);
  out << "<h2>Expiries per month</h2>\n";
  MonthChart(out, r);
  HtmlList(out, "Expired: ", "expired", r.expired, r.expired_total, true);
  HtmlList(out, "Expiring (inside the warning interval): ", "expiring", r.expiring,
           r.expiring_total, false);
  HtmlList(out, "Expires within " + std::to_string(r.days) + " days: ", "due-soon", r.due_soon,
           r.due_soon_total, false);
  HtmlIncidents(out, r);
  out << "<footer><p>certo report" << (company.empty() ? "" : " for " + HtmlEscape(company))
      << ", as of " << FormatDate(r.as_of) << ".</p></footer>\n</body>\n</html>\n";
}

// ---- the person's card (--person) -------------------------------------------------------------

std::string JsonText(const Json& value) {
  return value.is_string() ? value.get<std::string>() : "";
}

// "Marco Ferrari (E002)", or the name alone.
std::string Labelled(const Json& name, const Json& code) {
  return code.is_string() && !code.get<std::string>().empty()
             ? JsonText(name) + " (" + code.get<std::string>() + ")"
             : JsonText(name);
}

// One reason: "ROLE Fire warden (entity-employee)".
std::string Reason(const Json& why) {
  return JsonText(why["resource_type"]) + " " + JsonText(why["resource_name"]) + " (" +
         JsonText(why["via"]) + ")";
}

std::string Reasons(const Json& why) {
  std::string out;
  for (const Json& w : why) out += (out.empty() ? "" : "; ") + Reason(w);
  return out;
}

// "4 requirements: 1 NEW, 2 VALID, 0 EXPIRING, 1 EXPIRED".
std::string CardCounts(const Json& card) {
  const size_t n = card["requirements"].size();
  std::string out = std::to_string(n) + (n == 1 ? " requirement: " : " requirements: ");
  bool first = true;
  for (ScheduleStatus s : kScheduleStatuses) {
    out += (first ? "" : ", ") + std::to_string(card["counts"].value(StatusName(s), 0)) + " " +
           StatusName(s);
    first = false;
  }
  return out;
}

// The last valid day of the cover, "never" for a cover that does not expire, "" without one.
std::string ValidUntil(const Json& r) {
  if (r["certificate_date_release"].is_string() && !r["certificate_date_expire"].is_string()) {
    return "never";
  }
  return JsonText(r["certificate_date_expire"]);
}

// Whether the person is compliant, in words.
const char* Compliance(const Json& card) {
  return card["compliant"].get<bool>() ? "Compliant: no requirement is NEW or EXPIRED."
                                       : "Not compliant: a requirement is NEW or EXPIRED.";
}

// The table of requirements, then why each is required: one line per requirement under the
// table, so that the table fits a terminal and the reasons are never cut.
void CardText(std::ostream& out, const Json& card) {
  const Json& person = card["person"];
  out << "Requirements of " << Labelled(person["name"], person["code"]) << " as of "
      << JsonText(card["as_of"]) << "\n"
      << CardCounts(card) << "\n"
      << Compliance(card) << "\n\n";
  if (card["requirements"].empty()) {
    out << "(none)\n";
    return;
  }
  Table t({"Status", "Requirement", "Type", "Origin", "Released", "Valid until"}, "l");
  for (const Json& r : card["requirements"]) {
    const Json& a = r["action"];
    t.Add({JsonText(r["status"]), Labelled(a["name"], a["code"]), JsonText(a["action_type"]),
           JsonText(r["origin"]), JsonText(r["certificate_date_release"]), ValidUntil(r)});
  }
  t.Print(out);
  out << "\nWhy (what requires each on that day; the requirement's office):\n";
  for (const Json& r : card["requirements"]) {
    const Json& a = r["action"];
    out << "  " << Labelled(a["name"], a["code"]) << ", " << JsonText(r["office_name"]) << ": "
        << (!r["why"].empty()                   ? Reasons(r["why"])
            : JsonText(r["origin"]) == "MANUAL" ? std::string("made by hand")
                                                : std::string("no requirement holds that day"))
        << '\n';
  }
}

void CardCsv(std::ostream& out, const Json& card) {
  CsvRow(out, {"person_code", "person_name", "status", "action_type", "action_code", "action_name",
               "origin", "certificate_date_release", "certificate_date_expire", "office_name",
               "required_by", "action_subscription_id", "action_id", "office_id", "person_id"});
  const Json& person = card["person"];
  for (const Json& r : card["requirements"]) {
    const Json& a = r["action"];
    CsvRow(out, {JsonText(person["code"]), JsonText(person["name"]), JsonText(r["status"]),
                 JsonText(a["action_type"]), JsonText(a["code"]), JsonText(a["name"]),
                 JsonText(r["origin"]), JsonText(r["certificate_date_release"]),
                 JsonText(r["certificate_date_expire"]), JsonText(r["office_name"]),
                 Reasons(r["why"]), JsonText(r["action_subscription_id"]), JsonText(a["action_id"]),
                 JsonText(r["office_id"]), JsonText(person["person_id"])});
  }
}

// The head of the card's and the matrix's pages: the report's look (status colours, fonts), the
// same Content-Security-Policy, and a print stylesheet that keeps the colours.
void PageHead(std::ostream& out, const std::string& title, const std::string& css) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>"
      << HtmlEscape(title)
      << "</title>\n<style>\n"
         "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em;"
         "color:#222}\n"
         "h1{margin-bottom:.2em}\n"
         "table{border-collapse:collapse;margin:.5em 0}\n"
         "th,td{padding:.25em .7em;border-bottom:1px solid #eee;text-align:left}\n"
         "td.d{white-space:nowrap}\n";
  for (ScheduleStatus s : kScheduleStatuses) {
    out << ".status." << Lower(StatusName(s)) << "{background:" << Color(s) << "}";
  }
  out << "\n.status{padding:0 .4em;border-radius:3px;color:#fff;font-size:.85em}\n"
         ".legend span{display:inline-block;margin-right:1em}\n"
         ".legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;"
         "vertical-align:middle}\n"
         ".none{color:#777}\n"
      << css
      << "@media print{body{margin:0;color:#000;font-size:9pt}"
         "tr{break-inside:avoid}thead{display:table-header-group}"
         ".status,.legend i{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
         "</style>\n</head>\n<body>\n";
}

void Legend(std::ostream& out) {
  out << "<p class=\"legend\">";
  for (ScheduleStatus status : kWorstFirst) {
    out << "<span><i style=\"background:" << Color(status) << "\"></i>" << StatusName(status)
        << "</span>";
  }
  out << "</p>\n";
}

void CardHtml(std::ostream& out, const Json& card) {
  const Json& person = card["person"];
  const std::string who = Labelled(person["name"], person["code"]);
  const std::string date = JsonText(card["as_of"]);
  PageHead(out, "Requirements of " + who + " as of " + date,
           ".scroll{overflow-x:auto;max-width:100%}\n");
  out << "<h1>Requirements of <span id=\"person\" data-person-id=\""
      << HtmlEscape(JsonText(person["person_id"])) << "\">" << HtmlEscape(who)
      << "</span></h1>\n<p>As of <time id=\"as-of\" datetime=\"" << date << "\">" << date
      << "</time>. <span id=\"counts\" data-compliant=\""
      << (card["compliant"].get<bool>() ? "true" : "false") << "\">" << HtmlEscape(CardCounts(card))
      << "</span>. " << Compliance(card) << "</p>\n";
  if (card["requirements"].empty()) {
    out << "<p class=\"none\">None.</p>\n</body>\n</html>\n";
    return;
  }
  out << "<div class=\"scroll\"><table id=\"requirements\">\n<thead><tr><th>Status</th>"
         "<th>Requirement</th><th>Type</th><th>Origin</th><th>Released</th><th>Valid until</th>"
         "<th>Office</th><th>Why</th></tr></thead>\n<tbody>\n";
  for (const Json& r : card["requirements"]) {
    const Json& a = r["action"];
    const std::string status = JsonText(r["status"]);
    out << "<tr data-id=\"" << HtmlEscape(JsonText(r["action_subscription_id"]))
        << "\" data-action-id=\"" << HtmlEscape(JsonText(a["action_id"])) << "\" data-status=\""
        << status << "\"><td><span class=\"status " << Lower(status) << "\">" << status
        << "</span></td><td>" << HtmlEscape(Labelled(a["name"], a["code"])) << "</td><td>"
        << HtmlEscape(JsonText(a["action_type"])) << "</td><td>"
        << HtmlEscape(JsonText(r["origin"])) << "</td><td class=\"d\">"
        << HtmlEscape(JsonText(r["certificate_date_release"])) << "</td><td class=\"d\">"
        << HtmlEscape(ValidUntil(r)) << "</td><td>" << HtmlEscape(JsonText(r["office_name"]))
        << "</td><td>";
    if (r["why"].empty()) out << "-";
    for (size_t i = 0; i < r["why"].size(); ++i) {
      out << (i ? "<br>" : "") << HtmlEscape(Reason(r["why"][i]));
    }
    out << "</td></tr>\n";
  }
  out << "</tbody>\n</table></div>\n</body>\n</html>\n";
}

// ---- the training matrix (--matrix) ------------------------------------------------------------

std::string ActionLabel(const MatrixAction& a) {
  return a.code && !a.code->empty() ? a.name + " (" + *a.code + ")" : a.name;
}

// A header row, then one row per person: id, code, name, then each action's status (empty where
// the person does not need it).
void MatrixCsv(std::ostream& out, const TrainingMatrix& m) {
  std::vector<std::string> header{"person_id", "person_code", "person_name"};
  for (const MatrixAction& a : m.actions) header.push_back(ActionLabel(a));
  CsvRow(out, header);
  for (size_t p = 0; p < m.people.size(); ++p) {
    std::vector<std::string> row{m.people[p].person_id, m.people[p].code.value_or(""),
                                 m.people[p].name};
    for (const std::optional<ScheduleStatus>& s : m.status[p]) {
      row.push_back(s ? StatusName(*s) : "");
    }
    CsvRow(out, row);
  }
}

// One table: a sticky header of the actions (names written upwards) and a sticky column of the
// people, each cell coloured by its status.
void MatrixHtml(std::ostream& out, const TrainingMatrix& m, const std::string& title) {
  const std::string date = FormatDate(m.as_of);
  PageHead(out, title + " as of " + date,
           ".matrix{overflow:auto;max-height:85vh;max-width:100%}\n"
           ".matrix table{border-collapse:separate;border-spacing:0}\n"
           ".matrix thead th{position:sticky;top:0;background:#fff;z-index:2;"
           "vertical-align:bottom;border-bottom:2px solid #555}\n"
           ".matrix th.action{writing-mode:vertical-rl;transform:rotate(180deg);"
           "white-space:nowrap;font-weight:normal;padding:.5em .3em}\n"
           ".matrix th.action .type{color:#777;font-size:.8em}\n"
           ".matrix tbody th{position:sticky;left:0;background:#fff;z-index:1;"
           "white-space:nowrap;font-weight:normal}\n"
           ".matrix thead th.corner{left:0;z-index:3}\n"
           ".matrix td.cell{text-align:center;font-size:.75em;color:#fff;min-width:5.5em;"
           "border:1px solid #fff}\n"
           ".matrix td.cell{padding:.3em .4em;border-radius:0}"
           ".matrix td.cell.none{background:#fafafa}\n"
           "@media print{@page{size:landscape}.matrix{overflow:visible;max-height:none}"
           ".matrix thead th,.matrix tbody th{position:static}"
           ".matrix td.cell{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n");
  out << "<h1>" << HtmlEscape(title) << "</h1>\n<p>As of <time id=\"as-of\" datetime=\"" << date
      << "\">" << date << "</time>: " << m.people.size()
      << (m.people.size() == 1 ? " person, " : " people, ") << m.actions.size()
      << (m.actions.size() == 1 ? " requirement" : " requirements")
      << "; an empty cell: not required.</p>\n";
  Legend(out);
  if (m.people.empty()) {
    out << "<p class=\"none\">Nobody works there on that day.</p>\n</body>\n</html>\n";
    return;
  }
  out << "<div class=\"matrix\"><table id=\"matrix\">\n<thead><tr><th class=\"corner\">Person</th>";
  for (const MatrixAction& a : m.actions) {
    out << "<th class=\"action\" scope=\"col\" data-action-id=\"" << HtmlEscape(a.action_id)
        << "\">" << HtmlEscape(ActionLabel(a)) << " <span class=\"type\">"
        << HtmlEscape(a.action_type) << "</span></th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (size_t p = 0; p < m.people.size(); ++p) {
    const MatrixPerson& person = m.people[p];
    out << "<tr data-person-id=\"" << HtmlEscape(person.person_id) << "\"><th scope=\"row\">"
        << HtmlEscape(person.code ? person.name + " (" + *person.code + ")" : person.name)
        << "</th>";
    for (size_t a = 0; a < m.actions.size(); ++a) {
      const std::optional<ScheduleStatus>& s = m.status[p][a];
      out << "<td class=\"cell " << (s ? "status " + Lower(StatusName(*s)) : std::string("none"))
          << "\" data-action-id=\"" << HtmlEscape(m.actions[a].action_id) << "\" data-status=\""
          << (s ? StatusName(*s) : "") << "\">" << (s ? StatusName(*s) : "") << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table></div>\n</body>\n</html>\n";
}

// ---- resolving the filters ------------------------------------------------------------------

bool SameText(const Json& value, const std::string& text) {
  return value.is_string() && Lower(value.get<std::string>()) == Lower(text);
}

// --office: an id, or an office's code or name (case-insensitive).
std::vector<std::string> ResolveOffice(Engine& engine, const std::string& value) {
  if (LooksLikeUuid(value)) {
    if (!engine.View("office", value).ok()) return {};
    return {Lower(value)};
  }
  std::vector<std::string> ids;
  for (const Json& office : AllRows(engine, "office", Json::object(), true)) {
    if (SameText(office["code"], value) || SameText(office["name"], value)) {
      ids.push_back(office["office_id"].get<std::string>());
    }
  }
  return ids;
}

// --subscriber: an id, or the code or name of a subscriber that has schedule rows.
std::vector<std::string> ResolveSubscriber(Engine& engine, const std::string& value) {
  if (LooksLikeUuid(value)) {
    Query q;
    q.filter = {{"subscriber_id", Lower(value)}};
    q.history = true;
    q.per_page = 1;
    auto rows = engine.Index("action-subscription", q);
    if (!rows.ok() || rows->total_count == 0) return {};
    return {Lower(value)};
  }
  std::vector<std::string> ids;
  for (const char* field : {"subscriber_code", "subscriber_name"}) {
    for (const Json& row : AllRows(engine, "action-subscription", Json{{field, value}}, true)) {
      if (SameText(row[field], value)) {
        const std::string id = row["subscriber_id"].get<std::string>();
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
    }
  }
  return ids;
}

// The command-line option behind a report parameter, for error messages.
std::string OptionFor(const std::string& field) {
  static const std::map<std::string, std::string> names = {
      {"filter.subtenant_id", "--office"},
      {"filter.action_type", "--action-type"},
      {"filter.subscriber_id", "--subscriber"},
      {"filter.subscriber_type", "--subscriber-type"},
      {"filter.tenant_id", "--project"},
      {"days", "--days"},
      {"limit", "--limit"},
      {"as_of", "--today"}};
  auto it = names.find(field);
  return it == names.end() ? field : it->second;
}

// The rows a text or HTML list shows unless --limit says otherwise; JSON and CSV are whole.
constexpr int kDefaultLimit = 20;

struct ReportArgs {
  int days = 30;
  int limit = -1;  // -1: kDefaultLimit for text and html, all rows for json and csv
  std::string format = "text";
  std::string section, fail_on;
  std::vector<std::string> offices, action_types, subscribers, subscriber_types;
  std::string project;
  std::string person;   // --person: the person's card instead of the report
  bool matrix = false;  // --matrix: the training matrix instead of the report
};

// --person: a person's id, or their code in --project (or in the one project that has it).
// Prints why on stderr and returns nullopt when there is none or more than one.
std::optional<std::string> ResolvePerson(Engine& engine, const std::string& value,
                                         const std::string& project) {
  if (LooksLikeUuid(value) && engine.View("person", Lower(value)).ok()) return Lower(value);
  std::vector<std::string> projects;
  if (!project.empty()) {
    projects.push_back(project);
  } else {
    for (const Json& p : AllRows(engine, "project", Json::object(), true)) {
      projects.push_back(p["project_id"].get<std::string>());
    }
  }
  std::vector<std::string> found;
  for (const std::string& p : projects) {
    Result<std::string> id = engine.Lookup("person", p, value);
    if (id.ok()) {
      found.push_back(*id);
    } else if (id.error().code() != Code::kNotFound) {
      std::cerr << "certo report: --person: " << id.error().message() << '\n';
      return std::nullopt;
    }
  }
  if (found.size() == 1) return found[0];
  if (found.empty()) {
    std::cerr << "certo report: --person: no person with id or code '" << value << "'"
              << (project.empty() ? "" : " in the project") << '\n';
  } else {
    std::cerr << "certo report: --person: the code '" << value << "' names a person in "
              << found.size() << " projects: pass --project\n";
  }
  return std::nullopt;
}

// The error of a card or a matrix, on stderr; its exit status.
int Failed(const Status& status) {
  if (status.IsValidation()) {
    for (const FieldError& e : status.field_errors()) {
      std::cerr << "certo report: " << OptionFor(e.field) << ": " << e.message << '\n';
    }
  } else {
    std::cerr << "certo report: " << status.message() << '\n';
  }
  return ExitFor(status);
}

// Writes out to stdout; kExitFailed when stdout fails.
int Emit(const std::ostringstream& out) {
  std::cout << out.str();
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailed;
}

// --fail-on over a list of statuses: how many fail, with the message (exit 5), else kExitOk.
int FailOn(const std::string& fail_on, int64_t expired, int64_t expiring) {
  const int64_t failing = fail_on == "expired"    ? expired
                          : fail_on == "expiring" ? expired + expiring
                                                  : 0;
  if (failing == 0) return kExitOk;
  std::cerr << "certo report: --fail-on " << fail_on << ": " << failing << " row"
            << (failing == 1 ? "" : "s")
            << (fail_on == "expired" ? " EXPIRED" : " EXPIRED or EXPIRING") << '\n';
  return kExitNonCompliant;
}

}  // namespace

Runner AddReportCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "report",
      "What is out of compliance and what runs out next, as of --today: totals per status, "
      "compliance per office and action type, compliance over the last 12 months, the EXPIRED "
      "and EXPIRING lists, expiries per month, open incidents without a corrective action (with "
      "the people out of compliance on their date)");
  auto args = std::make_shared<ReportArgs>();
  cmd->add_option("--days", args->days, "The expiring list's look-ahead, in days")
      ->default_val(30)
      ->check(CLI::Range(0, 3650));
  cmd->add_option("--format", args->format,
                  "text (a terminal table), json, csv, or html (one self-contained page with "
                  "SVG charts)")
      ->default_val("text")
      ->check(CLI::IsMember({"text", "json", "csv", "html"}));
  cmd->add_option("--office", args->offices,
                  "Only this office: its id, code or name (repeat for several)");
  cmd->add_option("--action-type", args->action_types,
                  "Only this action type: " + OneOf(ReportActionTypes()) + " (repeat for several)")
      ->transform(CLI::IsMember(ReportActionTypes(), CLI::ignore_case));
  cmd->add_option("--subscriber", args->subscribers,
                  "Only this subscriber (who or what): its id, code or name (repeat for several)");
  cmd->add_option("--subscriber-type", args->subscriber_types,
                  "Only this kind of subscriber: " + OneOf(ReportSubscriberTypes()) +
                      " (repeat for several)")
      ->transform(CLI::IsMember(ReportSubscriberTypes(), CLI::ignore_case));
  cmd->add_option("--project", args->project, "Only this project: its id or name");
  cmd->add_option("--limit", args->limit,
                  "At most N rows per list, then \"... and M more\"; 0 = all. Default: " +
                      std::to_string(kDefaultLimit) + " for text and html, all for json and csv")
      ->check(CLI::Range(0, 100000000));
  cmd->add_option(
         "--section", args->section,
         "With --format csv (required there): the one table to write: " + OneOf(kCsvSections))
      ->check(CLI::IsMember(kCsvSections));
  CLI::Option* person =
      cmd->add_option("--person", args->person,
                      "Instead of the report, the person's card: everything this person (their "
                      "id, or code in --project) must do as of --today, with why and the status");
  CLI::Option* matrix = cmd->add_flag(
      "--matrix", args->matrix,
      "Instead of the report, the training matrix of --office (default: every office) as of "
      "--today: its people against the requirements any of them has, one status per cell "
      "(--format csv or html)");
  person->excludes(matrix);
  cmd->add_option("--fail-on", args->fail_on,
                  "Exit 5 (after printing the report) when any row is EXPIRED (expired), or "
                  "EXPIRED or EXPIRING (expiring): for cron jobs and CI")
      ->check(CLI::IsMember({"expired", "expiring"}));
  // Options of the report that the card and the matrix do not take.
  std::vector<CLI::Option*> report_only;
  for (const char* name :
       {"--days", "--action-type", "--subscriber", "--subscriber-type", "--limit", "--section"}) {
    report_only.push_back(cmd->get_option(name));
  }
  return [args, &global, report_only, cmd]() -> int {
    if (!args->person.empty() || args->matrix) {
      const std::string what = args->matrix ? "--matrix" : "--person";
      for (CLI::Option* o : report_only) {
        if (o->count() > 0) {
          std::cerr << "certo report: " << o->get_name() << " does not go with " << what << '\n';
          return kExitUsage;
        }
      }
      if (!args->person.empty() && cmd->count("--office") > 0) {
        std::cerr << "certo report: --office does not go with --person\n";
        return kExitUsage;
      }
      if (args->matrix && args->format != "csv" && args->format != "html") {
        std::cerr << "certo report: --matrix is written as --format csv or html\n";
        return kExitUsage;
      }
      auto engine = Open(global);
      if (!engine) return OpenFailed();
      std::string project;
      if (!args->project.empty()) {
        std::optional<std::string> id = ResolveProject(*engine, args->project, "report");
        if (!id) return kExitFailed;
        project = *id;
      }
      std::ostringstream out;
      if (!args->person.empty()) {
        std::optional<std::string> id = ResolvePerson(*engine, args->person, project);
        if (!id) return kExitFailed;
        Result<Json> card = engine->PersonRequirements(*id);
        if (!card.ok()) return Failed(card.error());
        if (args->format == "json") {
          out << card->dump(2) << '\n';
        } else if (args->format == "csv") {
          CardCsv(out, *card);
        } else if (args->format == "html") {
          CardHtml(out, *card);
        } else {
          text_width = TerminalWidth();
          CardText(out, *card);
        }
        if (int rc = Emit(out); rc != kExitOk) return rc;
        return FailOn(args->fail_on, (*card)["counts"].value("EXPIRED", 0),
                      (*card)["counts"].value("EXPIRING", 0));
      }
      TrainingMatrixQuery query;
      query.project_id = project;
      std::string title = "Training matrix";
      for (const std::string& office : args->offices) {
        std::vector<std::string> found = ResolveOffice(*engine, office);
        if (found.empty()) {
          std::cerr << "certo report: --office: no office with id, code or name '" << office
                    << "'\n";
          return kExitFailed;
        }
        for (const std::string& id : found) {
          query.office_ids.push_back(id);
          auto row = engine->View("office", id);
          if (row.ok()) {
            title += (query.office_ids.size() == 1 ? ": " : ", ") + (*row).value("name", id);
          }
        }
      }
      Result<TrainingMatrix> m = engine->TrainingMatrix(query);
      if (!m.ok()) return Failed(m.error());
      if (args->format == "csv") {
        MatrixCsv(out, *m);
      } else {
        MatrixHtml(out, *m, title);
      }
      if (int rc = Emit(out); rc != kExitOk) return rc;
      int64_t expired = 0, expiring = 0;
      for (const auto& row : m->status) {
        for (const std::optional<ScheduleStatus>& cell : row) {
          expired += cell == ScheduleStatus::kExpired;
          expiring += cell == ScheduleStatus::kExpiring;
        }
      }
      return FailOn(args->fail_on, expired, expiring);
    }
    if (args->format == "csv" && args->section.empty()) {
      std::cerr << "certo report: --format csv writes one table per file: pass --section "
                << OneOf(kCsvSections) << '\n';
      return kExitUsage;
    }
    if (args->format != "csv" && !args->section.empty()) {
      std::cerr << "certo report: --section goes with --format csv\n";
      return kExitUsage;
    }
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    ReportQuery query;
    query.days = args->days;
    query.limit = args->limit >= 0                                   ? args->limit
                  : args->format == "text" || args->format == "html" ? kDefaultLimit
                                                                     : 0;
    Json filter = Json::object();
    if (!args->offices.empty()) {
      Json ids = Json::array();
      for (const std::string& office : args->offices) {
        std::vector<std::string> found = ResolveOffice(*engine, office);
        if (found.empty()) {
          std::cerr << "certo report: --office: no office with id, code or name '" << office
                    << "'\n";
          return kExitFailed;
        }
        for (const std::string& id : found) ids.push_back(id);
      }
      filter["subtenant_id"] = ids;
    }
    if (!args->subscribers.empty()) {
      Json ids = Json::array();
      for (const std::string& subscriber : args->subscribers) {
        std::vector<std::string> found = ResolveSubscriber(*engine, subscriber);
        if (found.empty()) {
          std::cerr << "certo report: --subscriber: no subscriber with id, code or name '"
                    << subscriber << "' in the schedule\n";
          return kExitFailed;
        }
        for (const std::string& id : found) ids.push_back(id);
      }
      filter["subscriber_id"] = ids;
    }
    if (!args->action_types.empty()) filter["action_type"] = args->action_types;
    if (!args->subscriber_types.empty()) filter["subscriber_type"] = args->subscriber_types;
    std::string company;  // the project's name, or every project's, for the HTML page
    if (!args->project.empty()) {
      std::optional<std::string> id = ResolveProject(*engine, args->project, "report");
      if (!id) return kExitFailed;
      filter["tenant_id"] = *id;
      auto project = engine->View("project", *id);
      if (project.ok()) company = (*project).value("name", "");
    } else {
      for (const Json& p : AllRows(*engine, "project", Json::object(), false)) {
        company += (company.empty() ? "" : ", ") + p.value("name", std::string());
      }
    }
    query.filter = filter;
    Result<ComplianceReport> report = engine->Report(query);
    if (!report.ok()) {
      if (report.error().IsValidation()) {
        for (const FieldError& e : report.error().field_errors()) {
          std::cerr << "certo report: " << OptionFor(e.field) << ": " << e.message << '\n';
        }
      } else {
        std::cerr << "certo report: " << report.error().ToString() << '\n';
      }
      return ExitFor(report.error());
    }
    std::ostringstream out;
    if (args->format == "json") {
      out << ReportJson(*report).dump(2) << '\n';
    } else if (args->format == "csv") {
      Csv(out, *report, args->section);
    } else if (args->format == "html") {
      Html(out, *report, company);
    } else {
      text_width = TerminalWidth();
      Text(out, *report);
    }
    std::cout << out.str();
    std::cout.flush();
    if (!std::cout) return kExitFailed;
    const int64_t failing = args->fail_on == "expired" ? report->totals.expired
                            : args->fail_on == "expiring"
                                ? report->totals.expired + report->totals.expiring
                                : 0;
    if (failing > 0) {
      std::cerr << "certo report: --fail-on " << args->fail_on << ": " << failing << " row"
                << (failing == 1 ? "" : "s")
                << (args->fail_on == "expired" ? " EXPIRED" : " EXPIRED or EXPIRING") << '\n';
      return kExitNonCompliant;
    }
    return kExitOk;
  };
}

}  // namespace certo::cli
