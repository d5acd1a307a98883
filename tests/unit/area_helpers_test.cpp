// The helpers every area's service relies on, against a real store and real
// homes in a temporary data dir: resolve_owner, DomainService::ensure_owned,
// ensure_below_limit for each kind, OwnerCleanup on account deletion, and
// Db::write's all-or-nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "base/secrets.h"
#include "services/limits.h"
#include "services/services.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

class AreaHelpers : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        char tmpl[] = "/tmp/wsp-area-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        // A data dir as the panel leaves it: the accounts pass through.
        ::chmod(dir_.c_str(), 0711);
        config_.paths.data_dir = dir_.string();
        auto db = Db::open((dir_ / "panel.db").string());
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        auto identity = SandboxIdentity::create(dir_, config_.sandbox, *db_);
        ASSERT_TRUE(identity.ok()) << identity.error().message;
        identity_ = std::move(*identity);
        ctx_ = std::make_unique<PanelContext>(
            PanelContext{config_, *db_, index_, *identity_, system_clock()});
        services_ = std::make_unique<Services>(*ctx_);
        make_user("boss", "admin");
        make_user("ann");
        make_user("ben");
    }
    void TearDown() override {
        services_.reset();
        ctx_.reset();
        db_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void make_user(const std::string& name, const std::string& role = "user",
                   const std::string& package = "default") {
        auto r = services_->users.create(
            "", NewUser{name, name + "@example.com", "Passw0rd-" + name, role, package});
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    Caller caller(const std::string& name, Role role = Role::user) {
        return Caller{name, role, {"all"}, ""};
    }

    fs::path dir_;
    Config config_;
    std::unique_ptr<Db> db_;
    std::unique_ptr<SandboxIdentity> identity_;
    AuthIndex index_;
    std::unique_ptr<PanelContext> ctx_;
    std::unique_ptr<Services> services_;
};

TEST_F(AreaHelpers, ResolveOwner) {
    EXPECT_EQ(resolve_owner(*db_, caller("ann"), std::nullopt).value(), "ann");
    EXPECT_EQ(resolve_owner(*db_, caller("ann"), "ann").value(), "ann");
    auto other = resolve_owner(*db_, caller("ann"), std::string("ben"));
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, Code::forbidden);
    EXPECT_EQ(resolve_owner(*db_, caller("boss", Role::admin), std::string("ben")).value(), "ben");
    EXPECT_EQ(resolve_owner(*db_, caller("boss", Role::admin), std::nullopt).value(), "boss");
    auto missing = resolve_owner(*db_, caller("boss", Role::admin), std::string("nobody"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Code::validation);
    EXPECT_NE(missing.error().message.find("nobody"), std::string::npos);
}

TEST_F(AreaHelpers, EnsureOwnedDomain) {
    ASSERT_TRUE(services_->domains.create(caller("ann"), "ann.example", std::nullopt).ok());
    EXPECT_EQ(services_->domains.ensure_owned("ann", "ann.example").value(), "ann.example");
    for (auto [owner, domain] : std::vector<std::pair<std::string, std::string>>{
             {"ben", "ann.example"}, {"ann", "nosuch.example"}, {"ann", ""}}) {
        auto r = services_->domains.ensure_owned(owner, domain);
        ASSERT_FALSE(r.ok()) << owner << " " << domain;
        EXPECT_EQ(r.error().code, Code::validation);
        EXPECT_NE(r.error().message.find("Domain"), std::string::npos) << r.error().message;
    }
}

TEST_F(AreaHelpers, EnsureBelowLimitNamesEachLimit) {
    PackageLimits limits;
    limits.max_domains = 1;
    limits.max_databases = 2;
    limits.max_ftp_accounts = 0;
    limits.max_cron_jobs = 5;
    ASSERT_TRUE(services_->packages.create(caller("boss", Role::admin), "small", limits).ok());
    make_user("tiny", "user", "small");
    auto checked = db_->read([&](const ReadTx& tx) -> Result<void> {
        EXPECT_EQ(package_of(tx, "tiny").name, "small");
        EXPECT_TRUE(ensure_below_limit(tx, "tiny", Limit::databases, 1).ok());
        struct Case {
            Limit limit;
            int64_t current;
            const char* message;
        };
        for (const Case& c : {Case{Limit::domains, 1, "Domain limit reached (1)"},
                              Case{Limit::databases, 2, "Database limit reached (2)"},
                              Case{Limit::ftp_accounts, 0, "FTP account limit reached (0)"},
                              Case{Limit::cron_jobs, 7, "Cron job limit reached (5)"}}) {
            auto r = ensure_below_limit(tx, "tiny", c.limit, c.current);
            EXPECT_FALSE(r.ok()) << c.message;
            if (r.ok()) continue;
            EXPECT_EQ(r.error().code, Code::forbidden);
            EXPECT_EQ(r.error().message, c.message);
        }
        // The default package is unlimited.
        EXPECT_TRUE(ensure_below_limit(tx, "ann", Limit::databases, 1'000'000).ok());
        return Ok{};
    });
    ASSERT_TRUE(checked.ok());
}

// An area's cleanup, counting what it removes (or failing, to test that the
// account survives a failed cleanup).
class FakeAreaCleanup final : public OwnerCleanup {
  public:
    explicit FakeAreaCleanup(bool fail) : fail_(fail) {}
    std::string removed_key() const override { return "widgets"; }
    Result<int64_t> remove_all_of(const std::string& owner) override {
        owners.push_back(owner);
        if (fail_) return unavailable("widget server is down");
        return int64_t{4};
    }
    std::vector<std::string> owners;

  private:
    bool fail_;
};

TEST_F(AreaHelpers, DeletingAnAccountRunsEachAreasCleanup) {
    FakeAreaCleanup cleanup(false);
    services_->users.add_cleanup(&cleanup);
    auto removed = services_->users.remove(caller("boss", Role::admin), "ann");
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(cleanup.owners, std::vector<std::string>{"ann"});
    EXPECT_EQ(removed->at("widgets"), 4);
    EXPECT_EQ(removed->at("home"), 1);
    EXPECT_FALSE(fs::exists(identity_->home_of("ann")));
}

TEST_F(AreaHelpers, AFailedCleanupKeepsTheAccount) {
    FakeAreaCleanup cleanup(true);
    services_->users.add_cleanup(&cleanup);
    auto removed = services_->users.remove(caller("boss", Role::admin), "ben");
    ASSERT_FALSE(removed.ok());
    EXPECT_EQ(removed.error().code, Code::unavailable);
    EXPECT_TRUE(services_->users.get(caller("boss", Role::admin), "ben").ok());
    EXPECT_TRUE(fs::is_directory(identity_->home_of("ben")));
}

TEST_F(AreaHelpers, InTransactionIsAllOrNothing) {
    auto failed = db_->write([&](WriteTx& tx) -> Result<void> {
        DomainRepo::insert(tx, DomainRecord{"half.example", "ann", 1});
        return validation("second step failed");
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_FALSE(db_->read([&](const ReadTx& tx) -> Result<bool> {
                        return DomainRepo::find(tx, "half.example").has_value();
                    })
                     .value());

    // A store error becomes a generic internal error, rolled back too.
    auto broken = db_->write([&](WriteTx& tx) -> Result<void> {
        DomainRepo::insert(tx, DomainRecord{"fk.example", "no-such-owner", 1});
        return Ok{};
    });
    ASSERT_FALSE(broken.ok());
    EXPECT_EQ(broken.error().code, Code::internal);
    EXPECT_FALSE(db_->read([&](const ReadTx& tx) -> Result<bool> {
                        return DomainRepo::find(tx, "fk.example").has_value();
                    })
                     .value());
}

TEST_F(AreaHelpers, AsRootEachAccountHasItsOwnUidNeverReused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_EQ(identity_->isolation(), "uid");
    const uid_t ann = identity_->uid_of("ann"), ben = identity_->uid_of("ben");
    EXPECT_NE(ann, ben);
    EXPECT_GE(ann, static_cast<uid_t>(config_.sandbox.uid_base));
    EXPECT_EQ(identity_->gid_of("ann"), ann);
    EXPECT_EQ(identity_->uid_of("nobody-here"), 0u);  // which every caller refuses
    // Deleted and made again, the name gets a new uid: the old one's files
    // (anywhere) never become the new account's.
    ASSERT_TRUE(services_->users.remove(caller("boss", Role::admin), "ann").ok());
    EXPECT_EQ(identity_->uid_of("ann"), 0u);
    make_user("ann");
    EXPECT_NE(identity_->uid_of("ann"), ann);
    EXPECT_NE(identity_->uid_of("ann"), ben);
}

TEST_F(AreaHelpers, HomesBelongToTheSandboxUserNeverRoot) {
    const fs::path home = identity_->home_of("ann");
    EXPECT_EQ(home, dir_ / "home" / "ann");
    struct stat st {};
    ASSERT_EQ(::stat(home.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, identity_->uid_of("ann"));
    EXPECT_EQ(st.st_gid, identity_->gid_of("ann"));
    if (::geteuid() == 0) {
        EXPECT_NE(st.st_uid, 0u);
    }
    // make_dirs stays beneath the home, whatever a symlink in it says.
    fs::create_directory_symlink("/tmp", home / "escape");
    auto r = identity_->make_dirs("ann", "escape/wsp-should-not-exist");
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(fs::exists("/tmp/wsp-should-not-exist"));
    EXPECT_FALSE(identity_->make_dirs("ann", "../ben/planted").ok());
    EXPECT_FALSE(fs::exists(identity_->home_of("ben") / "planted"));
}

}  // namespace
}  // namespace wsp
