#pragma once
// Tells the running panel that another process committed to its store (an
// offline `wispanel user ...` or `key create` on the same data dir), so the
// in-memory auth index is reloaded without a restart. The kernel tells it
// (inotify on the store's WAL file: writes and a writer's close, read on
// the event loop), and SQLite's data_version tells a foreign commit from
// the panel's own: no polling. A commit writes the WAL page by page, each
// write an event: the first one starts a short delay, and the events that
// come before the check has run are not read (the kernel folds them into
// one), so a burst of commits costs one or two checks, not one wake-up per
// page (issue 24: ~24 per database create+drop).
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>

#include "base/result.h"
#include "store/db.h"

namespace wsp {

class StoreWatch {
  public:
    // `on_foreign_commit` runs on a worker after another connection committed.
    StoreWatch(boost::asio::io_context& io, boost::asio::thread_pool& workers, Db& db,
               std::function<void()> on_foreign_commit);
    // Watches `wal` (DATA_DIR/panel.db-wal, which the panel's open
    // connection keeps in place).
    Result<void> start(const std::filesystem::path& wal);
    void stop();

  private:
    void read_events();
    void check();

    boost::asio::posix::stream_descriptor inotify_;
    boost::asio::steady_timer delay_;
    boost::asio::thread_pool& workers_;
    Db& db_;
    std::function<void()> on_foreign_commit_;
    std::array<char, 4096> buffer_{};
    // From the first write event to the check: SQLite publishes a commit in
    // the -shm index just after its last WAL write, and a burst's writes
    // fold into the one check.
    static constexpr std::chrono::milliseconds kDelay{10};
    std::atomic<bool> stopped_{false};
    std::mutex check_mutex_;  // checks run on workers, one at a time
    int64_t seen_version_ = 0;
};

}  // namespace wsp
