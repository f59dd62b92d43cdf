// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo review create --project P --name N --deadline D [--type USER|ROLE] [--reviewer R]
//                       [--office-reviewer OFFICE=PERSON]... [--fallback F] [--office O]...
//                       [--role R]... [--action-type T]... [--no-response keep|revoke]
//                       [--comment-required DECISION]...
//   certo review start CERTID
//   certo review list [--reviewer P] [--json]
//   certo review show CERTID [--task TASK] [--json]
//   certo review decide CERTID TASK LINEITEM ACTION [--comment C] [--end-date D] [--detail ID]...
//                       [--request-id R] [--actor P]
//   certo review signoff CERTID TASK [--actor P]
//   certo review close-due
//   certo review report CERTID [--format text|json|csv|html]
// Review campaigns (certo/review.h, docs/review.md) from the command line. The report shows, per
// detail, what the reviewer saw, the decision, who took it and when, the comment and the effect.

#include <iostream>
#include <sstream>

#include "cli.h"

namespace certo::cli {

namespace {

int Fail(const std::string& what, const Status& status) {
  std::cerr << "certo review " << what << ": " << status.message() << '\n';
  return ExitFor(status);
}

std::string Text(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// What the reviewer saw of one detail, in one line.
std::string Saw(const Json& row) {
  const Json& item = row["item_snapshot"];
  const Json& d = row["snapshot"];
  std::string who = item.contains("first_name")
                        ? Text(item["first_name"]) + " " + Text(item["last_name"])
                        : Text(item["name"]);
  std::string what = d.contains("first_name") ? Text(d["first_name"]) + " " + Text(d["last_name"])
                                              : Text(d["type"]) + " " + Text(d["name"]);
  std::string flags;
  for (const Json& f : row["flags"]) flags += (flags.empty() ? "" : ",") + f.get<std::string>();
  for (const Json& f : row["item_flags"])
    flags += (flags.empty() ? "" : ",") + f.get<std::string>();
  return who + ": " + what + (flags.empty() ? "" : " [" + flags + "]");
}

const std::vector<std::string> kColumns = {"line_item_id", "saw",        "decision",
                                           "end_date",     "decided_by", "decided_at",
                                           "comment",      "outcome",    "effect_on"};

std::vector<std::string> Cells(const Json& row) {
  return {Text(row["line_item_id"]),
          Saw(row),
          Text(row["decision"]),
          Text(row["end_date"]),
          Text(row["decided_by_name"].is_null() ? row["decided_by"] : row["decided_by_name"]),
          Text(row["decided_at"]),
          Text(row["comment"]),
          Text(row["outcome"]),
          Text(row["effect_on"])};
}

void PrintReport(const Json& report, const std::string& format) {
  const Json& c = report["campaign"];
  if (format == "json") {
    std::cout << report.dump(2) << '\n';
    return;
  }
  if (format == "csv") {
    for (size_t i = 0; i < kColumns.size(); ++i) std::cout << (i ? "," : "") << kColumns[i];
    std::cout << '\n';
    for (const Json& row : report["rows"]) {
      std::vector<std::string> cells = Cells(row);
      for (size_t i = 0; i < cells.size(); ++i) std::cout << (i ? "," : "") << Csv(cells[i]);
      std::cout << '\n';
    }
    return;
  }
  if (format == "html") {
    std::cout << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
              << HtmlEscape(Text(c["name"])) << "</title></head><body>\n<h1>"
              << HtmlEscape(Text(c["name"])) << "</h1>\n<p>Campaign "
              << HtmlEscape(Text(c["cert_id"])) << ", " << HtmlEscape(Text(c["type"])) << ", "
              << HtmlEscape(Text(c["state"])) << ", deadline " << HtmlEscape(Text(c["deadline"]))
              << "</p>\n<table>\n<tr>";
    for (const std::string& col : kColumns) std::cout << "<th>" << HtmlEscape(col) << "</th>";
    std::cout << "</tr>\n";
    for (const Json& row : report["rows"]) {
      std::cout << "<tr>";
      for (const std::string& cell : Cells(row)) std::cout << "<td>" << HtmlEscape(cell) << "</td>";
      std::cout << "</tr>\n";
    }
    std::cout << "</table>\n</body></html>\n";
    return;
  }
  std::cout << "Campaign " << Text(c["cert_id"]) << " " << Text(c["name"]) << " ("
            << Text(c["type"]) << ", " << Text(c["state"]) << ", deadline " << Text(c["deadline"])
            << ", no response: " << Text(c["no_response"]) << ")\n";
  for (const Json& row : report["rows"]) {
    std::vector<std::string> cells = Cells(row);
    std::cout << "  #" << cells[0] << " " << cells[1] << "\n      "
              << (cells[2].empty() ? "undecided" : cells[2])
              << (cells[3].empty() ? "" : " until " + cells[3])
              << (cells[4].empty() ? "" : " by " + cells[4])
              << (cells[5].empty() ? "" : " at " + cells[5])
              << (cells[6].empty() ? "" : " \"" + cells[6] + "\"")
              << (cells[7].empty() ? "" : " -> " + cells[7])
              << (cells[8].empty() ? "" : " from " + cells[8]) << '\n';
  }
}

}  // namespace

Runner AddReviewCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand("review", "Run review campaigns (attestations)");
  cmd->require_subcommand(1);
  struct Args {
    std::string project, name, type = "USER", reviewer, fallback, deadline, no_response = "keep";
    std::vector<std::string> offices, roles, action_types, office_reviewers, comment_required;
    int64_t cert = 0, line_item = 0;
    std::string task, action, comment, end_date, request_id, actor, format = "text";
    std::vector<int64_t> details;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* create = cmd->add_subcommand("create", "Create a campaign (state CREATED)");
  create->add_option("--project", a->project, "The project (id or name)")->required();
  create->add_option("--name", a->name, "The campaign's name")->required();
  create->add_option("--deadline", a->deadline, "The last review day, YYYY-MM-DD")->required();
  create->add_option("--type", a->type, "USER (per person) or ROLE (per safety role)");
  create->add_option("--reviewer", a->reviewer, "The reviewer's person_id");
  create->add_option("--office-reviewer", a->office_reviewers,
                     "OFFICE_ID=PERSON_ID: who reviews that office's items");
  create->add_option("--fallback", a->fallback, "The reviewer when no rule names one");
  create->add_option("--office", a->offices, "Scope: an office_id (repeatable)");
  create->add_option("--role", a->roles, "Scope: an office_role_id (repeatable)");
  create->add_option("--action-type", a->action_types, "Scope: an action type (repeatable)");
  create->add_option("--no-response", a->no_response, "keep or revoke, at the deadline");
  create->add_option("--comment-required", a->comment_required,
                     "A decision that needs a comment (default REVOKE)");
  CLI::App* start = cmd->add_subcommand("start", "Take the snapshot and create the tasks");
  start->add_option("CERTID", a->cert, "The campaign")->required();
  CLI::App* list = cmd->add_subcommand("list", "List the tasks of every campaign");
  list->add_option("--reviewer", a->actor, "Only this person's tasks");
  list->add_flag("--json", a->json, "The OIG JSON");
  CLI::App* show = cmd->add_subcommand("show", "Show a campaign, or a task's line items");
  show->add_option("CERTID", a->cert, "The campaign")->required();
  show->add_option("--task", a->task, "A task: its line items");
  show->add_flag("--json", a->json, "The OIG JSON");
  CLI::App* decide = cmd->add_subcommand("decide", "Act on a line item");
  decide->add_option("CERTID", a->cert, "The campaign")->required();
  decide->add_option("TASK", a->task, "The task")->required();
  decide->add_option("LINEITEM", a->line_item, "The line item")->required();
  decide
      ->add_option("ACTION", a->action,
                   "Certify, CertifyConditionally, Revoke, Abstain, Claim, ResetStatus, "
                   "EditComment or Complete")
      ->required();
  decide->add_option("--comment", a->comment, "The comment");
  decide->add_option("--end-date", a->end_date, "CertifyConditionally: YYYY-MM-DD");
  decide->add_option("--detail", a->details, "Only this line-item detail (repeatable)");
  decide->add_option("--request-id", a->request_id, "Applied once however often it is sent");
  decide->add_option("--actor", a->actor, "Who acts (default: the task's reviewer)");
  CLI::App* signoff = cmd->add_subcommand("signoff", "Sign a task off and carry out its decisions");
  signoff->add_option("CERTID", a->cert, "The campaign")->required();
  signoff->add_option("TASK", a->task, "The task")->required();
  signoff->add_option("--actor", a->actor, "Who signs (default: the task's reviewer)");
  CLI::App* due = cmd->add_subcommand("close-due", "Expire the tasks of campaigns past deadline");
  CLI::App* report = cmd->add_subcommand("report", "The campaign report");
  report->add_option("CERTID", a->cert, "The campaign")->required();
  report->add_option("--format", a->format, "text, json, csv or html")
      ->check(CLI::IsMember({"text", "json", "csv", "html"}));
  return [=, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    if (create->parsed()) {
      std::optional<std::string> project = ResolveProject(*engine, a->project, "review create");
      if (!project) return kExitFailed;
      Json spec{{"project_id", *project},
                {"name", a->name},
                {"type", a->type},
                {"deadline", a->deadline},
                {"no_response", a->no_response},
                {"scope",
                 {{"office_ids", a->offices},
                  {"role_ids", a->roles},
                  {"action_types", a->action_types}}}};
      if (!a->reviewer.empty()) spec["reviewer_id"] = a->reviewer;
      if (!a->fallback.empty()) spec["fallback_reviewer_id"] = a->fallback;
      if (!a->comment_required.empty()) spec["comment_required"] = a->comment_required;
      if (!a->office_reviewers.empty()) {
        Json map = Json::object();
        for (const std::string& pair : a->office_reviewers) {
          size_t eq = pair.find('=');
          if (eq == std::string::npos) {
            std::cerr << "certo review create: --office-reviewer: expected OFFICE_ID=PERSON_ID, "
                         "got '"
                      << pair << "'\n";
            return kExitUsage;
          }
          map[pair.substr(0, eq)] = pair.substr(eq + 1);
        }
        spec["office_reviewers"] = map;
      }
      Result<Json> made = engine->CreateReviewCampaign(spec);
      if (!made.ok()) return Fail("create", made.status());
      std::cout << made->dump(2) << '\n';
      return kExitOk;
    }
    if (start->parsed()) {
      Result<Json> started = engine->StartReviewCampaign(a->cert);
      if (!started.ok()) return Fail("start", started.status());
      std::cout << started->dump(2) << '\n';
      return kExitOk;
    }
    if (list->parsed()) {
      ReviewPage page;
      page.limit = 10000;
      Result<Json> tasks = engine->ReviewCampaigns(a->actor, page);
      if (!tasks.ok()) return Fail("list", tasks.status());
      if (a->json) {
        std::cout << tasks->dump(2) << '\n';
        return kExitOk;
      }
      for (const Json& t : (*tasks)["certifications"]) {
        std::cout << Text(t["id"]) << "  " << Text(t["taskId"]) << "  " << Text(t["state"]) << "  "
                  << Text(t["name"]) << "  deadline " << Text(t["deadline"]) << '\n';
      }
      return kExitOk;
    }
    if (show->parsed()) {
      ReviewPage page;
      page.limit = 10000;
      Result<Json> shown = a->task.empty() ? engine->ReviewCampaign(a->cert)
                                           : engine->ReviewLineItems(a->cert, a->task, page);
      if (!shown.ok()) return Fail("show", shown.status());
      if (a->json) {
        std::cout << shown->dump(2) << '\n';
      } else if (a->task.empty()) {
        for (const Json& d : (*shown)["certificationDefinitions"]) {
          std::cout << Text(d["name"]) << ": " << Text(d["value"]) << '\n';
        }
      } else {
        for (const Json& li : (*shown)["certLineItemList"]) {
          std::string flags;
          for (const Json& f : li["flags"]) flags += " " + f.get<std::string>();
          std::cout << Text(li["id"]) << "  " << Text(li["state"]) << "  " << Text(li["status"])
                    << "  " << (li.contains("fullName") ? Text(li["fullName"]) : Text(li["name"]))
                    << flags << '\n';
        }
      }
      return kExitOk;
    }
    if (decide->parsed()) {
      ReviewLineItemAction act;
      act.request_id = a->request_id;
      act.line_item_id = a->line_item;
      act.action = a->action;
      act.comment = a->comment;
      act.line_item_detail_ids = a->details;
      if (!a->end_date.empty()) {
        act.end_date = ParseDate(a->end_date);
        if (!act.end_date) {
          std::cerr << "certo review decide: --end-date: expected YYYY-MM-DD, got '" << a->end_date
                    << "'\n";
          return kExitUsage;
        }
      }
      auto r = engine->ReviewLineItemActions(a->cert, a->task, {act}, a->actor);
      if (!r.ok()) return Fail("decide", r.status());
      const ReviewActionResult& one = r->front();
      if (!one.status.ok()) return Fail("decide", one.status);
      std::cout << "line item " << one.line_item_id << ": " << one.action
                << (one.replayed ? " (already applied)" : "") << '\n';
      return kExitOk;
    }
    if (signoff->parsed()) {
      Result<Json> r =
          engine->ReviewTaskAction(a->cert, a->task, "signoff", Json::object(), a->actor);
      if (!r.ok()) return Fail("signoff", r.status());
      std::cout << "task " << a->task << ": " << Text((*r)["state"]) << ", "
                << (*r)["effects"].size() << " effect(s)"
                << ((*r).value("campaignClosed", false) ? ", campaign closed" : "") << '\n';
      return kExitOk;
    }
    if (due->parsed()) {
      Result<Json> r = engine->CloseDueReviews();
      if (!r.ok()) return Fail("close-due", r.status());
      std::cout << r->dump(2) << '\n';
      return kExitOk;
    }
    Result<Json> r = engine->ReviewReport(a->cert);
    if (!r.ok()) return Fail("report", r.status());
    PrintReport(*r, a->format);
    return kExitOk;
  };
}

}  // namespace certo::cli
