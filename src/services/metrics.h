#pragma once
// GET /metrics (docs/integrations.md): Prometheus text format 0.0.4. The
// server counts every answered request here (route pattern, method,
// status, latency); the rest is read when scraped (store row counts,
// component health, webhook and event counters).
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace wsp {

struct Services;

class Metrics {
  public:
    static constexpr size_t kBucketCount = 11;
    static constexpr std::array<double, kBucketCount> kBuckets = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

    // `route`: the matched pattern ("/api/v1/ftp/{id}"), "unmatched" otherwise.
    void observe(std::string_view method, std::string_view route, unsigned status, double seconds);
    // An event announced by a service (user.created, cron.failed, ...).
    void count_event(std::string_view event);

    std::string render(Services& services) const;

  private:
    struct Latency {
        std::array<int64_t, kBucketCount> buckets{};
        int64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    // std::less<>: looked up by string_views, no key built per request.
    std::map<std::tuple<std::string, std::string, unsigned>, int64_t, std::less<>> requests_;
    std::map<std::string, Latency, std::less<>> latency_;  // by route
    std::map<std::string, int64_t> events_;
};

}  // namespace wsp
