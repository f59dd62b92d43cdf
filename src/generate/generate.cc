// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "generate/generate.h"

#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace certo::generator {

namespace {

const char* const kFirstNames[] = {"Giulia", "Marco",  "Luca",   "Sara",   "Paolo",  "Elena",
                                   "Andrea", "Chiara", "Matteo", "Anna",   "Davide", "Marta",
                                   "Simone", "Laura",  "Fabio",  "Silvia", "Omar",   "Ines"};
const char* const kLastNames[] = {"Rossi", "Bianchi", "Ferrari", "Russo",    "Colombo",
                                  "Ricci", "Marino",  "Greco",   "Bruno",    "Gallo",
                                  "Conti", "Costa",   "Mancini", "Lombardi", "Moretti"};

struct Requirement {
  const char* code;
  const char* name;
  const char* type;
  int validity;  // 0: none (certificates carry their own dates)
  const char* unit;
  int expire_interval;
};

// The requirements every office defines; people subscribe to a subset of the person ones.
const Requirement kPersonRequirements[] = {
    {"GEN-4", "General worker training", "TRAINING", 5, "YEAR", 60},
    {"FIRE-M", "Fire safety, medium risk", "TRAINING", 5, "YEAR", 60},
    {"FA-B", "First aid, group B/C", "TRAINING", 3, "YEAR", 60},
    {"FORK", "Forklift licence", "TRAINING", 5, "YEAR", 90},
    {"PREP", "Supervisor training", "TRAINING", 5, "YEAR", 60},
    {"WAH", "Work at height", "TRAINING", 5, "YEAR", 60},
    {"CS", "Confined spaces", "TRAINING", 5, "YEAR", 60},
    {"ELEC", "Electrical risk PES/PAV", "TRAINING", 5, "YEAR", 60},
    {"MED-1", "Medical surveillance, yearly", "HEALTH", 1, "YEAR", 30},
    {"MED-2", "Medical surveillance, every two years", "HEALTH", 2, "YEAR", 30},
    {"PPE-H", "Safety helmet delivery", "PER", 2, "YEAR", 30},
    {"PPE-G", "Cut-resistant gloves delivery", "PER", 6, "MONTH", 15},
    {"PPE-S", "Safety shoes delivery", "PER", 1, "YEAR", 30},
    {"DRILL", "Evacuation drill participation", "CHECK", 1, "YEAR", 30},
    {"AUDIT", "Workstation ergonomics check", "CHECK", 2, "YEAR", 30},
};
// Further numbered modules fill an office's catalogue up to kCatalogue requirements.
constexpr int kCatalogue = 32;

struct Machine {
  const char* name;
  const char* check_name;
};
const Machine kMachines[] = {{"Forklift", "Forklift maintenance"},
                             {"Tower crane", "Crane inspection"},
                             {"Scaffolding", "Scaffolding check"},
                             {"Compressor", "Compressor maintenance"}};

class Generator {
 public:
  Generator(const GenerateOptions& o, const std::function<void(std::string_view, Json&)>& sink)
      : o_(o), sink_(sink), rng_(o.seed), ids_(o.seed ^ 0x5ab5c1d7e6f40a93ULL) {}

  GenerateCounts Run() {
    project_ = Uuid();
    Emit("project", Json{{"project_id", project_},
                         {"name", "Synthetic Company " + std::to_string(o_.seed)},
                         {"country", "IT"}});
    const int offices = std::max(1, o_.offices);
    for (int i = 0; i < offices; ++i) Office(i, offices);
    return counts_;
  }

 private:
  // std::uniform_int_distribution and std::shuffle are free to differ between standard
  // libraries; mt19937_64 is not. These draws are defined here, so a seed gives the same rows
  // with libstdc++, libc++ and MSVC alike.
  int Uniform(int lo, int hi) {
    const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1;
    const uint64_t limit =
        UINT64_MAX - UINT64_MAX % span;  // rejection keeps every value equally likely
    uint64_t x = rng_();
    while (x >= limit) x = rng_();
    return static_cast<int>(lo + static_cast<int64_t>(x % span));
  }
  template <typename T>
  void Shuffle(std::vector<T>& v) {  // Fisher-Yates over Uniform
    for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[Uniform(0, i)]);
  }

  // A v4 UUID from the seeded generator: the same seed gives the same ids.
  std::string Uuid() { return Uuid(rng_); }
  static std::string Uuid(std::mt19937_64& rng) {
    uint64_t a = rng(), b = rng();
    a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                  static_cast<unsigned>(b >> 48),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
  }

  void Emit(std::string_view collection, Json record) {
    ++counts_.rows;
    sink_(collection, record);
  }

  // Whether Subscribe writes the subscription row, and with ids from which generator.
  enum class Written { kYes, kNo, kOwnIds };

  struct Action {
    std::string id;
    const char* type;
    int validity;
    Unit unit;
  };

  void Office(int index, int offices) {
    const std::string office = Uuid();
    Emit("office",
         Json{{"office_id", office},
              {"project_id", project_},
              {"name", "Site " + std::to_string(index + 1)},
              {"code", "S" + std::to_string(index + 1)},
              {"office_type_icon", index % 3 == 2 ? "construction_site" : "office_default"}});
    std::vector<Action> catalogue;
    for (int i = 0; i < kCatalogue; ++i) {
      const Requirement& base = kPersonRequirements[i % std::size(kPersonRequirements)];
      const bool numbered = i >= static_cast<int>(std::size(kPersonRequirements));
      Action a{Uuid(), base.type, base.validity, *ParseUnit(base.unit)};
      Json action{
          {"action_id", a.id},
          {"tenant_id", project_},
          {"subtenant_id", office},
          {"action_type", base.type},
          {"code", numbered ? std::string(base.code) + "-" + std::to_string(i) : base.code},
          {"name", numbered ? std::string(base.name) + ", module " + std::to_string(i) : base.name},
          {"expire_interval", base.expire_interval}};
      // One requirement in eight has no validity: its certificates carry their own expiry.
      if (i % 8 != 7) {
        action["validity"] = base.validity;
        action["validity_unit"] = base.unit;
      } else {
        a.validity = 0;
      }
      Emit("action", action);
      catalogue.push_back(a);
    }
    std::vector<Profile> profiles;
    if (o_.requirements != GenerateOptions::Requirements::kWritten) {
      for (int k = 0; k < kProfiles; ++k) profiles.push_back(JobProfile(office, catalogue, k));
    }
    // People: an even share of the total, at least one.
    const int share = o_.people / offices + (index < o_.people % offices ? 1 : 0);
    for (int p = 0; p < share; ++p) Person(office, catalogue, profiles);
    Equipment(office);
  }

  // A role of the office and what it demands: 5-30 distinct requirements.
  struct Profile {
    std::string role;
    std::vector<int> requirements;
  };
  Profile JobProfile(const std::string& office, const std::vector<Action>& catalogue, int k) {
    Profile profile{Uuid(), Draw(catalogue.size())};
    Emit("role", Json{{"office_role_id", profile.role},
                      {"office_id", office},
                      {"project_id", project_},
                      {"code", "JOB-" + std::to_string(k + 1)},
                      {"name", "Job profile " + std::to_string(k + 1)}});
    for (int r : profile.requirements) {
      const std::string demand = Uuid();  // drawn either way: both variants keep every id
      if (o_.requirements != GenerateOptions::Requirements::kDemands) continue;
      Emit("demand", Json{{"demand_id", demand},
                          {"office_id", office},
                          {"project_id", project_},
                          {"action_id", catalogue[r].id},
                          {"resource_type", "ROLE"},
                          {"resource_id", profile.role}});
      ++counts_.demands;
    }
    return profile;
  }

  // 5-30 distinct indexes below size.
  std::vector<int> Draw(size_t size) {
    std::vector<int> order(size);
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    Shuffle(order);
    order.resize(Uniform(5, std::min(30, static_cast<int>(order.size()))));
    return order;
  }

  void Person(const std::string& office, const std::vector<Action>& catalogue,
              const std::vector<Profile>& profiles) {
    const std::string person = Uuid();
    ++counts_.people;
    const int serial = static_cast<int>(counts_.people);
    char code[16];
    std::snprintf(code, sizeof code, "E%06d", serial);
    char birth[16];
    // Drawn one by one: the order a call's arguments are evaluated in is unspecified (GCC goes
    // right to left, clang left to right), and the rows must not depend on the compiler. This is
    // GCC's order, which the generator's golden rows were made with.
    const int day = Uniform(1, 28);
    const int month = Uniform(1, 12);
    const int year = Uniform(1960, 2004);
    std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", year, month, day);
    Emit("person", Json{{"person_id", person},
                        {"project_id", project_},
                        {"code", code},
                        {"first_name", kFirstNames[Uniform(0, std::size(kFirstNames) - 1)]},
                        {"last_name", kLastNames[Uniform(0, std::size(kLastNames) - 1)]},
                        {"birth_date", birth},
                        {"country", "IT"}});
    const std::string person_office = Uuid();
    Emit("person-office", Json{{"person_office_id", person_office},
                               {"person_id", person},
                               {"office_id", office},
                               {"project_id", project_}});
    if (!profiles.empty()) {
      const Profile& profile = profiles[Uniform(0, static_cast<int>(profiles.size()) - 1)];
      Emit("entity-employee", Json{{"entity_employee_id", Uuid()},
                                   {"person_office_id", person_office},
                                   {"type", "ROLE"},
                                   {"entity_id", profile.role},
                                   {"office_id", office},
                                   {"project_id", project_}});
      const bool written = o_.requirements == GenerateOptions::Requirements::kProfilesWritten;
      for (int r : profile.requirements) {
        Subscribe(office, person, "PERSON", catalogue[r],
                  written ? Written::kOwnIds : Written::kNo);
      }
      return;
    }
    for (int r : Draw(catalogue.size())) Subscribe(office, person, "PERSON", catalogue[r]);
  }

  void Equipment(const std::string& office) {
    for (const Machine& m : kMachines) {
      const std::string machine = Uuid();
      Emit("equipment", Json{{"office_equipment_id", machine},
                             {"office_id", office},
                             {"project_id", project_},
                             {"name", m.name},
                             {"code", std::string(m.name).substr(0, 3) + "-" +
                                          std::to_string(Uniform(100, 999))}});
      Action plan{Uuid(), "MAINTENANCE", 1, Unit::kYear};
      Emit("action", Json{{"action_id", plan.id},
                          {"tenant_id", project_},
                          {"subtenant_id", office},
                          {"action_type", "MAINTENANCE"},
                          {"name", m.check_name},
                          {"validity", 1},
                          {"validity_unit", "YEAR"},
                          {"expire_interval", 30}});
      Subscribe(office, machine, "EQUIPMENT", plan);
    }
  }

  // A subscription (written, or derived by the engine from a demand) and, for most, 1-3
  // certificates with links; the latest covers it with an expiry within today +- 5 years.
  void Subscribe(const std::string& office, const std::string& subscriber, const char* type,
                 const Action& action, Written written = Written::kYes) {
    ++counts_.subscriptions;
    if (written != Written::kNo) {
      ++counts_.written;
      // kOwnIds: from a generator of its own, so that the rows after it are kDemands' rows.
      Emit("action-subscription",
           Json{{"action_subscription_id", written == Written::kYes ? Uuid() : Uuid(ids_)},
                {"tenant_id", project_},
                {"subtenant_id", office},
                {"action_id", action.id},
                {"subscriber_type", type},
                {"subscriber_id", subscriber}});
    }
    if (Uniform(0, 9) == 0) return;  // one in ten is still NEW
    const int certificates = Uniform(1, 3);
    Date expiry = AddDays(o_.today, Uniform(-5 * 365, 5 * 365));
    // A company's records as of today: its latest certificate was released by today, except
    // for one requirement in fifty whose course is already booked (released in the future).
    auto release_of = [&](const Date& expire) {
      return action.validity > 0 ? AddPeriod(expire, -action.validity, action.unit)
                                 : AddDays(expire, -365);
    };
    const Date latest_release = release_of(expiry);
    if (latest_release > o_.today && Uniform(0, 49) != 0) {
      const auto ahead = std::chrono::sys_days(latest_release) - std::chrono::sys_days(o_.today);
      expiry = AddDays(expiry, -(ahead.count() + Uniform(0, 364)));
    }
    for (int c = 0; c < certificates; ++c) {
      // Earlier certificates are the ones renewed by later ones.
      const int periods_back = certificates - 1 - c;
      Date expire = action.validity > 0
                        ? AddPeriod(expiry, -static_cast<long long>(action.validity) * periods_back,
                                    action.unit)
                        : AddDays(expiry, -365 * periods_back);
      Date release = release_of(expire);
      const std::string certificate = Uuid();
      Json cert{{"certificate_id", certificate},
                {"tenant_id", project_},
                {"resource_id", subscriber},
                {"action_type", action.type},
                {"name", std::string(action.type) + " certificate"},
                {"date_release", FormatDate(release)}};
      if (action.validity == 0) cert["date_expire"] = FormatDate(expire);
      Emit("certificate", cert);
      ++counts_.certificates;
      Json link{{"certificate_action_id", Uuid()},
                {"certificate_id", certificate},
                {"action_id", action.id},
                {"tenant_id", project_}};
      if (Uniform(0, 19) == 0) link["date_expire"] = FormatDate(expire);  // an own date
      Emit("certificate-action", link);
      ++counts_.links;
    }
  }

  const GenerateOptions& o_;
  const std::function<void(std::string_view, Json&)>& sink_;
  std::mt19937_64 rng_;
  std::mt19937_64 ids_;  // kProfilesWritten's subscription ids
  std::string project_;
  GenerateCounts counts_;
};

}  // namespace

GenerateCounts Generate(
    const GenerateOptions& options,
    const std::function<void(std::string_view collection, Json& record)>& sink) {
  return Generator(options, sink).Run();
}

}  // namespace certo::generator
