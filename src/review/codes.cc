// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The one table of review words and numbers (codes.h). The numbers of campaign states follow
// OIG's CERT_STATE (1 new, 2 in progress, 3 complete); decision 1 is certify as in seed 003's
// "action": "1" with status CERTIFIED; the rest are this engine's own, documented in
// docs/review.md (a test compares that page with these tables).

#include "review/codes.h"

#include <algorithm>
#include <cctype>

namespace certo::internal::review {

const std::vector<Code> kCampaignStates = {
    {1, "CREATED", "created, not started: no tasks yet (OIG STATE_NEW)"},
    {2, "IN_REVIEW", "started: reviewers decide (OIG STATE_IN_PROGRESS)"},
    {3, "CLOSED", "every task signed off, expired or reassigned (OIG STATE_COMPLETE)"},
};

const std::vector<Code> kTaskStates = {
    {1, "ASSIGNED", "created for the reviewer, nothing decided yet"},
    {2, "IN_PROGRESS", "some line items acted on"},
    {3, "DECISIONS_COMPLETE", "every line item decided: ready for sign-off"},
    {4, "SUSPENDED", "paused; resume returns it to the state it had"},
    {5, "SIGNED_OFF", "signed off: decisions final, effects carried out (terminal)"},
    {6, "REASSIGNED", "handed to another reviewer's new task (terminal)"},
    {7, "EXPIRED", "closed at or after the deadline; no-response policy applied (terminal)"},
};

const std::vector<Code> kItemStates = {
    {1, "NEW", "nothing decided"},
    {2, "CLAIMED", "claimed by the reviewer (\"mine to review\"), nothing decided"},
    {3, "PARTIAL", "some details decided"},
    {4, "DECIDED", "every detail decided"},
    {5, "COMPLETE", "decided and marked complete by the reviewer"},
    {6, "FINAL", "its task was signed off or expired: frozen"},
};

const std::vector<Code> kDecisions = {
    {1, "CERTIFY", "keep the assignment or certificate"},
    {2, "REVOKE", "end the assignment from the sign-off day"},
    {3, "CERTIFY_CONDITIONALLY", "keep until an end date, then end it"},
    {4, "ABSTAIN", "the reviewer cannot decide; kept"},
};

const std::vector<Code> kEvents = {
    {1, "CAMPAIGN_CREATED", "the campaign was created"},
    {2, "REVIEW_REQUESTED", "a task was created for its reviewer (recipient)"},
    {3, "CAMPAIGN_STARTED", "the campaign started: snapshot taken"},
    {4, "CAMPAIGN_CLOSED", "the last open task ended"},
    {5, "ITEM_CERTIFIED", "Certify"},
    {6, "ITEM_CERTIFIED_CONDITIONALLY", "CertifyConditionally (data.end_date)"},
    {7, "ITEM_REVOKED", "Revoke"},
    {8, "ITEM_ABSTAINED", "Abstain"},
    {9, "ITEM_CLAIMED", "Claim"},
    {10, "ITEM_RESET", "ResetStatus"},
    {11, "ITEM_COMMENTED", "EditComment"},
    {12, "ITEM_COMPLETED", "Complete"},
    {13, "ITEM_AUTO_DECIDED", "the no-response policy decided undecided details at expiry"},
    {14, "TASK_SUSPENDED", "suspend"},
    {15, "TASK_RESUMED", "resume"},
    {16, "TASK_REASSIGNED", "reassign (recipient: the new reviewer and task)"},
    {17, "TASK_PROXY", "proxy (recipient: who may act for the reviewer)"},
    {18, "TASK_EXPIRED", "expire"},
    {19, "TASK_SIGNED_OFF", "sign-off"},
    {20, "TASK_RESET", "reset: every line item back to NEW"},
    {21, "ASSIGNMENT_RETIRED", "effect: a revoked assignment retired (data.before: the row)"},
    {22, "ASSIGNMENT_END_DATE_SET", "effect: a conditional certification retires the row later"},
    {23, "OBJECT_GONE", "effect: the row was already retired, nothing to do"},
    {24, "CERTIFICATE_REVOKE_REFUSED",
     "effect: a certificate revoke refused (written by builds before certificate revocation)"},
    {25, "CERTIFICATE_REVOKED", "effect: a revoked certificate covers nothing from today"},
    {26, "CERTIFICATE_REVOKE_SCHEDULED",
     "effect: a conditional certification revokes the certificate from its end date"},
};

std::optional<int> NumberOf(const std::vector<Code>& table, std::string_view name) {
  for (const Code& c : table) {
    if (c.name == name) return c.number;
  }
  return std::nullopt;
}

std::string_view NameOf(const std::vector<Code>& table, int number) {
  for (const Code& c : table) {
    if (c.number == number) return c.name;
  }
  return "";
}

int Event(std::string_view name) { return *NumberOf(kEvents, name); }

namespace {
const std::vector<std::string_view> kDecidable = {"NEW", "CLAIMED", "PARTIAL", "DECIDED"};
const std::vector<std::string_view> kNotFinal = {"NEW", "CLAIMED", "PARTIAL", "DECIDED",
                                                 "COMPLETE"};
const std::vector<std::string_view> kOpen = {"ASSIGNED", "IN_PROGRESS", "DECISIONS_COMPLETE"};
const std::vector<std::string_view> kOpenOrSuspended = {"ASSIGNED", "IN_PROGRESS",
                                                        "DECISIONS_COMPLETE", "SUSPENDED"};

bool SameWord(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

const std::vector<std::string_view> kOpenTaskStates = kOpen;

const std::vector<ItemAction> kItemActions = {
    {"Certify", "CERTIFY", "ITEM_CERTIFIED", kDecidable},
    {"CertifyConditionally", "CERTIFY_CONDITIONALLY", "ITEM_CERTIFIED_CONDITIONALLY", kDecidable},
    {"Revoke", "REVOKE", "ITEM_REVOKED", kDecidable},
    {"Abstain", "ABSTAIN", "ITEM_ABSTAINED", kDecidable},
    {"Claim", "", "ITEM_CLAIMED", {"NEW"}},
    {"ResetStatus", "", "ITEM_RESET", {"CLAIMED", "PARTIAL", "DECIDED", "COMPLETE"}},
    {"EditComment", "", "ITEM_COMMENTED", kNotFinal},
    {"Complete", "", "ITEM_COMPLETED", {"DECIDED"}},
};

const ItemAction* FindItemAction(std::string_view name) {
  for (const ItemAction& a : kItemActions) {
    if (SameWord(a.name, name)) return &a;
  }
  return nullptr;
}

const std::vector<TaskAction> kTaskActions = {
    {"suspend", {}, kOpen, "SUSPENDED", "TASK_SUSPENDED"},
    {"resume", {}, {"SUSPENDED"}, "*", "TASK_RESUMED"},
    {"reassign", {}, kOpenOrSuspended, "REASSIGNED", "TASK_REASSIGNED"},
    {"proxy", {"createProxy", "create-proxy"}, kOpen, "", "TASK_PROXY"},
    {"expire", {}, kOpenOrSuspended, "EXPIRED", "TASK_EXPIRED"},
    {"signoff", {"sign-off", "complete"}, {"DECISIONS_COMPLETE"}, "SIGNED_OFF", "TASK_SIGNED_OFF"},
    {"reset", {}, {"IN_PROGRESS", "DECISIONS_COMPLETE"}, "ASSIGNED", "TASK_RESET"},
};

const TaskAction* FindTaskAction(std::string_view name) {
  for (const TaskAction& a : kTaskActions) {
    if (SameWord(a.name, name)) return &a;
    for (std::string_view alias : a.aliases) {
      if (SameWord(alias, name)) return &a;
    }
  }
  return nullptr;
}

std::string Alternatives(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

bool Contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string_view DecisionStatus(std::string_view decision) {
  if (decision == "CERTIFY") return "CERTIFIED";
  if (decision == "REVOKE") return "REVOKED";
  if (decision == "CERTIFY_CONDITIONALLY") return "CERTIFIED_CONDITIONALLY";
  if (decision == "ABSTAIN") return "ABSTAINED";
  return "NEW";
}

}  // namespace certo::internal::review
