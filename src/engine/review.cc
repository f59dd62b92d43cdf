// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The Engine's review-campaign calls (certo/review.h): each one under the engine's mutex, writes
// as one atomic unit, nothing thrown crosses the API. The work is in review/review.cc.

#include "review/review.h"

#include "certo/engine.h"

#include <mutex>

#include "engine/impl.h"

namespace certo {

// The subsystem's view of this engine.
#define CERTO_REVIEW_ENV \
  internal::ReviewEnv { *impl_->db, *impl_->store, impl_->ctx }

Result<Json> Engine::CreateReviewCampaign(const Json& spec) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return impl_->Write([&] { return internal::CreateReviewCampaign(CERTO_REVIEW_ENV, spec); });
  });
}

Result<Json> Engine::StartReviewCampaign(int64_t cert_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return impl_->Write([&] { return internal::StartReviewCampaign(CERTO_REVIEW_ENV, cert_id); });
  });
}

Result<Json> Engine::ReviewCampaigns(std::string_view reviewer, ReviewPage page) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewCampaigns(CERTO_REVIEW_ENV, std::string(reviewer), page);
  });
}

Result<Json> Engine::ReviewCampaign(int64_t cert_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewCampaignDetails(CERTO_REVIEW_ENV, cert_id);
  });
}

Result<Json> Engine::ReviewTasks(int64_t cert_id, std::string_view reviewer, ReviewPage page) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewTasks(CERTO_REVIEW_ENV, cert_id, std::string(reviewer), page);
  });
}

Result<Json> Engine::ReviewTask(int64_t cert_id, std::string_view task_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewTaskDetails(CERTO_REVIEW_ENV, cert_id, std::string(task_id));
  });
}

Result<Json> Engine::ReviewLineItems(int64_t cert_id, std::string_view task_id, ReviewPage page) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewLineItems(CERTO_REVIEW_ENV, cert_id, std::string(task_id), page);
  });
}

Result<Json> Engine::ReviewLineItem(int64_t cert_id, std::string_view task_id, int64_t line_item_id,
                                    ReviewPage page) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewLineItemDetails(CERTO_REVIEW_ENV, cert_id, std::string(task_id),
                                           line_item_id, page);
  });
}

Result<Json> Engine::ReviewTaskHistory(int64_t cert_id, std::string_view task_id, ReviewPage page) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewTaskHistory(CERTO_REVIEW_ENV, cert_id, std::string(task_id), page);
  });
}

Result<std::vector<ReviewActionResult>> Engine::ReviewLineItemActions(
    int64_t cert_id, std::string_view task_id, const std::vector<ReviewLineItemAction>& actions,
    std::string_view actor) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return impl_->Write([&] {
      return internal::ReviewLineItemActions(CERTO_REVIEW_ENV, cert_id, std::string(task_id),
                                             std::string(actor), actions);
    });
  });
}

Result<Json> Engine::ReviewTaskAction(int64_t cert_id, std::string_view task_id,
                                      std::string_view action, const Json& args,
                                      std::string_view actor) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return impl_->Write([&] {
      return internal::ReviewTaskAction(CERTO_REVIEW_ENV, cert_id, std::string(task_id),
                                        std::string(actor), std::string(action), args);
    });
  });
}

Result<Json> Engine::CloseDueReviews() {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard(
      [&] { return impl_->Write([&] { return internal::CloseDueReviews(CERTO_REVIEW_ENV); }); });
}

Result<Json> Engine::ReviewReport(int64_t cert_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReviewReport(CERTO_REVIEW_ENV, cert_id);
  });
}

}  // namespace certo
