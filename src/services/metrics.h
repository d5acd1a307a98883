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
    // (method, route, status), ordered as a tuple of them; transparent, so
    // a request's counter is found by string_views, no key built per
    // request. Compared as views on both sides: a tuple of strings against
    // one of string_views is not comparable with every standard library.
    using RequestKey = std::tuple<std::string, std::string, unsigned>;
    using RequestView = std::tuple<std::string_view, std::string_view, unsigned>;
    struct RequestLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            return view(a) < view(b);
        }
        template <class K>
        static RequestView view(const K& k) {
            return {std::get<0>(k), std::get<1>(k), std::get<2>(k)};
        }
    };
    mutable std::mutex mutex_;
    std::map<RequestKey, int64_t, RequestLess> requests_;
    std::map<std::string, Latency, std::less<>> latency_;  // by route
    std::map<std::string, int64_t> events_;
};

}  // namespace wsp
