#include "app/store_watch.h"

#include "store/data_version.h"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace wsp {

namespace asio = boost::asio;

StoreWatch::StoreWatch(asio::io_context& io, asio::thread_pool& workers, Db& db,
                       std::function<void()> on_foreign_commit)
    : inotify_(io),
      delay_(io),
      workers_(workers),
      db_(db),
      on_foreign_commit_(std::move(on_foreign_commit)) {}

Result<void> StoreWatch::start(const std::filesystem::path& wal) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return internal(std::string("inotify_init1: ") + std::strerror(errno));
    inotify_.assign(fd);
    // IN_MODIFY alone can miss a commit: SQLite writes the commit frame to
    // the WAL (the event) and only then publishes it in the -shm index, which
    // is memory-mapped and raises no event; a check that runs in between
    // sees the old data_version and nothing wakes it again. The writer's
    // close of the WAL (an offline command ending) comes after the publish.
    if (inotify_add_watch(fd, wal.c_str(), IN_MODIFY | IN_CLOSE_WRITE) < 0)
        return internal("cannot watch " + wal.string() + ": " + std::strerror(errno));
    seen_version_ = store_data_version(db_).value_or(0);
    read_events();
    return Ok{};
}

void StoreWatch::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    inotify_.close(ignored);
    delay_.cancel();
}

void StoreWatch::read_events() {
    inotify_.async_read_some(asio::buffer(buffer_), [this](boost::system::error_code ec, size_t) {
        if (ec) return;  // closed at shutdown
        // One check covers every write before it runs: the rest of a
        // commit's page writes (and the next commits') wait in the kernel,
        // folded into one event, until the check is done, then read_events
        // again (a write after the check started wakes another check).
        delay_.expires_after(kDelay);
        delay_.async_wait([this](boost::system::error_code waited) {
            if (waited || stopped_) return;
            asio::post(workers_, [this] {
                check();
                asio::post(inotify_.get_executor(), [this] {
                    if (!stopped_) read_events();
                });
            });
        });
    });
}

void StoreWatch::check() {
    std::lock_guard lock(check_mutex_);
    const std::optional<int64_t> version = store_data_version(db_);
    if (!version || *version == seen_version_) return;  // only the panel's own commits
    seen_version_ = *version;
    spdlog::info("store changed by another process: reloading accounts and keys");
    on_foreign_commit_();
}

}  // namespace wsp
