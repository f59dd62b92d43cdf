// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The words and numbers of review campaigns, each defined once: the states of campaigns, tasks
// and line items with their OIG numeric codes (certState, status), the decisions (action), the
// history event codes (actionHistoryList[].action), and which action each state admits. The API,
// the CLI, the report and docs/review.md (checked by a test) all read them from here.

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certo::internal::review {

struct Code {
  int number;
  std::string_view name;
  std::string_view meaning;
};

// Campaign states: certState (OIG CERT_STATE 1..3).
extern const std::vector<Code> kCampaignStates;
// Task states: the task's status number.
extern const std::vector<Code> kTaskStates;
// Line-item states (this engine's; OIG shows a derived status word beside them).
extern const std::vector<Code> kItemStates;
// Decisions on a line-item detail: the line item's action number (0: none yet).
extern const std::vector<Code> kDecisions;
// History event codes.
extern const std::vector<Code> kEvents;

// The number of a name in a table; nullopt when it is not there.
std::optional<int> NumberOf(const std::vector<Code>& table, std::string_view name);
// The name of a number; "" when it is not there.
std::string_view NameOf(const std::vector<Code>& table, int number);
// The event code of a name. REQUIRES: the name is in kEvents.
int Event(std::string_view name);

// A line-item action as the API spells it, and what it does.
struct ItemAction {
  std::string_view name;               // Certify, CertifyConditionally, Revoke, Abstain, Claim, ...
  std::string_view decision;           // the decision it records, "" for the bookkeeping actions
  std::string_view event;              // the event it appends
  std::vector<std::string_view> from;  // the item states that admit it
};
extern const std::vector<ItemAction> kItemActions;
// The action, matched without regard to case; nullptr when unknown.
const ItemAction* FindItemAction(std::string_view name);

// A task action as the API spells it (lower case), the states that admit it and where it goes
// ("" = stays, "*" = the state before the suspension).
struct TaskAction {
  std::string_view name;
  std::vector<std::string_view> aliases;
  std::vector<std::string_view> from;
  std::string_view to;
  std::string_view event;
};
extern const std::vector<TaskAction> kTaskActions;
const TaskAction* FindTaskAction(std::string_view name);

// The task states in which line-item actions are taken.
extern const std::vector<std::string_view> kOpenTaskStates;

// "A, B or C".
std::string Alternatives(const std::vector<std::string_view>& names);
bool Contains(const std::vector<std::string_view>& names, std::string_view name);

// The OIG status word of a line item from its details' decisions: NEW, PARTIAL_CERTIFIED, or
// the status of the one decision they share (CERTIFIED, CERTIFIED_CONDITIONALLY, REVOKED,
// ABSTAINED).
std::string_view DecisionStatus(std::string_view decision);

}  // namespace certo::internal::review
