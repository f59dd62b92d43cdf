// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "registry/vocabulary.h"

#include <algorithm>

namespace certo::internal {

const std::vector<std::string_view>& ActionTypes() {
  static const std::vector<std::string_view> types = {"TRAINING", "HEALTH", "PER", "CHECK",
                                                      "MAINTENANCE"};
  return types;
}

const std::vector<SubscriberType>& SubscriberTypes() {
  static const std::vector<SubscriberType> types = {
      {.name = "PERSON",
       .collection = "person",
       .table = "person",
       .key = "person_id",
       .label_sql = "x.first_name || ' ' || x.last_name",
       .admitted_by = {"TRAINING", "HEALTH", "PER", "CHECK"}},
      {.name = "ROLE",
       .collection = "role",
       .table = "role",
       .key = "office_role_id",
       .label_sql = "x.name",
       .admitted_by = {"CHECK"},
       .held_by_people = true,
       .demanded = true},
      {.name = "EQUIPMENT",
       .collection = "equipment",
       .table = "equipment",
       .key = "office_equipment_id",
       .label_sql = "x.name",
       .admitted_by = {"CHECK", "MAINTENANCE"},
       .held_by_people = true,
       .demanded = true},
      {.name = "WORK_ENVIRONMENT",
       .collection = "work-environment",
       .table = "work_environment",
       .key = "office_work_environment_id",
       .label_sql = "x.name",
       .admitted_by = {"CHECK", "MAINTENANCE"},
       .held_by_people = true,
       .demanded = true},
      {.name = "SUBSTANCE",
       .collection = "substance",
       .table = "substance",
       .key = "office_substance_id",
       .label_sql = "x.name",
       .admitted_by = {"CHECK"},
       .held_by_people = true,
       .demanded = true},
      {.name = "WORK_GROUP",
       .collection = "work-group",
       .table = "work_group",
       .key = "work_group_id",
       .label_sql = "x.name",
       .admitted_by = {"CHECK"},
       .demanded = true},
      {.name = "OFFICE",
       .collection = "office",
       .table = "office",
       .key = "office_id",
       .label_sql = "x.name",
       .admitted_by = {"CHECK", "MAINTENANCE"},
       .demanded = true},
      // A PPE item (4hse's material-item); older 4hse documents call the type MATERIAL_ITEM
      // (OlderSubscriberTypeNames).
      {.name = "PPE",
       .collection = "material-item",
       .table = "material_item",
       .key = "material_item_id",
       .label_sql = "x.name",
       .admitted_by = {"PER", "CHECK", "MAINTENANCE"}},
  };
  return types;
}

const std::vector<std::pair<std::string_view, std::string_view>>& OlderSubscriberTypeNames() {
  static const std::vector<std::pair<std::string_view, std::string_view>> names = {
      {"MATERIAL_ITEM", "PPE"}};
  return names;
}

const SubscriberType* FindSubscriberType(std::string_view name) {
  for (const SubscriberType& t : SubscriberTypes()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

bool Admits(std::string_view action_type, std::string_view subscriber_type) {
  const SubscriberType* t = FindSubscriberType(subscriber_type);
  if (!t) return false;
  return std::find(t->admitted_by.begin(), t->admitted_by.end(), action_type) !=
         t->admitted_by.end();
}

std::vector<std::string_view> AdmittedSubscriberTypes(std::string_view action_type) {
  std::vector<std::string_view> admitted;
  for (const SubscriberType& t : SubscriberTypes()) {
    if (Admits(action_type, t.name)) admitted.push_back(t.name);
  }
  return admitted;
}

}  // namespace certo::internal
