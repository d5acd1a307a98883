// Compress and extract against the real binary: round trips checked with
// the zip/unzip/tar tools, and a corpus of hostile archives (built by
// files_hostile_archives.py) asserting nothing lands outside the
// destination and nothing partial is left.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files_fixture.h"

namespace wsp::test {
namespace {

// Runs argv, returns its exit status and stdout.
std::pair<int, std::string> run(std::vector<std::string> argv) {
    int pipefd[2];
    if (::pipe(pipefd) != 0) return {-1, ""};
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipefd[1], 1);
        ::close(pipefd[0]);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(pipefd[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class FilesArchiveTest : public FilesSuite {
  protected:
    static void SetUpTestSuite() {
        FilesSuite::SetUpTestSuite();
        auto dir = home("alice") / "hostile";
        stdfs::create_directories(dir);
        auto [rc, out] =
            run({"/usr/bin/python3",
                 std::string(WSP_SOURCE_DIR) + "/tests/integration/files_hostile_archives.py",
                 dir.string(), canary_dir_.string()});
        ASSERT_EQ(rc, 0) << out;
        chown_tree(home("alice"));
    }
    static uid_t uid_of_home() {
        struct stat st {};
        ::stat(home("alice").c_str(), &st);
        return st.st_uid;
    }
    static gid_t gid_of_home() {
        struct stat st {};
        ::stat(home("alice").c_str(), &st);
        return st.st_gid;
    }
    static void chown_tree(const stdfs::path& p) {
        struct stat st {};
        ::stat(home("alice").c_str(), &st);
        for (auto& e : stdfs::recursive_directory_iterator(p))
            ::lchown(e.path().c_str(), st.st_uid, st.st_gid);
    }
    // A fresh destination directory in alice's home.
    static std::string fresh_dir(const std::string& name) {
        auto r = post("mkdir", {{"path", "/" + name}, {"parents", true}});
        EXPECT_EQ(r.status, 200) << r.body;
        return "/" + name;
    }
    static HttpResult extract(const std::string& archive, const std::string& dest) {
        return post("extract", {{"archive", "/hostile/" + archive}, {"destination", dest}});
    }
    static void expect_nothing_escaped(const std::string& dest) {
        expect_canary_untouched();
        EXPECT_FALSE(stdfs::exists(home("alice") / "evil.txt"));
        EXPECT_FALSE(stdfs::exists(home("alice").parent_path() / "evil.txt"));
        EXPECT_FALSE(stdfs::exists(panel().data_dir() / "evil.txt"));
        for (auto& e : stdfs::directory_iterator(home("alice") / dest.substr(1)))
            EXPECT_EQ(e.path().filename().string().find(".wsp-"), std::string::npos)
                << "a temporary directory was left behind";
    }
};

TEST_F(FilesArchiveTest, RoundTripsEveryFormatAndMatchesTheTools) {
    ASSERT_EQ(post("mkdir", {{"path", "/rt/site/css"}, {"parents", true}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/rt/site/index.html"}, {"content", "<h1>hi</h1>"}}).status,
              200);
    ASSERT_EQ(post("write", {{"path", "/rt/site/css/a.css"}, {"content", "body{}"}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/rt/readme.txt"}, {"content", "read me"}}).status, 200);
    for (std::string ext : {"zip", "tar", "tar.gz", "tgz", "tar.bz2", "tar.xz", "tar.zst"}) {
        std::string archive = "/rt/out." + ext;
        auto c =
            post("compress", {{"paths", {"/rt/site", "/rt/readme.txt"}}, {"archive", archive}});
        ASSERT_EQ(c.status, 200) << ext << ": " << c.body;
        EXPECT_EQ(c.json().at("message"), "Archive created successfully");
        std::string dest = fresh_dir("rt/x-" + ext);
        auto x = post("extract", {{"archive", archive}, {"destination", dest}});
        ASSERT_EQ(x.status, 200) << ext << ": " << x.body;
        auto root = home("alice") / "rt" / ("x-" + ext);
        EXPECT_EQ(slurp(root / "site" / "index.html"), "<h1>hi</h1>") << ext;
        EXPECT_EQ(slurp(root / "site" / "css" / "a.css"), "body{}") << ext;
        EXPECT_EQ(slurp(root / "readme.txt"), "read me") << ext;
    }
    // Checked against the standard tools.
    auto [zrc, listing] =
        run({"/usr/bin/unzip", "-l", (home("alice") / "rt" / "out.zip").string()});
    EXPECT_EQ(zrc, 0);
    EXPECT_NE(listing.find("site/css/a.css"), std::string::npos) << listing;
    EXPECT_NE(listing.find("readme.txt"), std::string::npos);
    auto [trc, tlist] =
        run({"/usr/bin/tar", "tzf", (home("alice") / "rt" / "out.tar.gz").string()});
    EXPECT_EQ(trc, 0);
    EXPECT_NE(tlist.find("site/index.html"), std::string::npos) << tlist;
    // Archives made by the tools extract through the panel.
    auto tools = home("alice") / "tools";
    stdfs::create_directories(tools / "t" / "sub");
    spit(tools / "t" / "sub" / "f.txt", "from the tools");
    ASSERT_EQ(run({"/usr/bin/tar", "czf", (tools / "t.tar.gz").string(), "-C", tools.string(), "t"})
                  .first,
              0);
    ::chdir(tools.c_str());
    ASSERT_EQ(run({"/usr/bin/zip", "-qr", (tools / "t.zip").string(), "t"}).first, 0);
    ::chdir("/");
    chown_tree(tools);
    ::chown(tools.c_str(), uid_of_home(), gid_of_home());
    ASSERT_EQ(
        post("extract", {{"archive", "/tools/t.tar.gz"}, {"destination", fresh_dir("tg")}}).status,
        200);
    EXPECT_EQ(slurp(home("alice") / "tg" / "t" / "sub" / "f.txt"), "from the tools");
    ASSERT_EQ(
        post("extract", {{"archive", "/tools/t.zip"}, {"destination", fresh_dir("tz")}}).status,
        200);
    EXPECT_EQ(slurp(home("alice") / "tz" / "t" / "sub" / "f.txt"), "from the tools");
    // Default destination: the archive's directory; then a conflict.
    ASSERT_EQ(post("extract", {{"archive", "/tools/t.zip"}}).status, 409);
    ASSERT_EQ(post("extract", {{"archive", "/tools/t.zip"}, {"overwrite", true}}).status, 200);

    EXPECT_EQ(post("compress", {{"paths", {"/rt/site"}}, {"archive", "/rt/out.rar"}}).status, 400);
    EXPECT_EQ(post("compress", {{"paths", {"/rt/site"}}, {"archive", "/rt/out.zip"}}).status, 409);
    EXPECT_EQ(post("compress", {{"paths", json::array{}}, {"archive", "/rt/o.zip"}}).status, 400);
    EXPECT_EQ(post("compress", {{"paths", {"/rt/site"}}, {"archive", "/rt/site/in.zip"}}).status,
              400);
    EXPECT_EQ(post("compress", {{"paths", {"/nope"}}, {"archive", "/rt/nope.zip"}}).status, 404);
    EXPECT_FALSE(stdfs::exists(home("alice") / "rt" / "nope.zip"));
    EXPECT_EQ(post("compress", {{"paths", {"/abs"}}, {"archive", "/../x.zip"}}).status, 400);
}

TEST_F(FilesArchiveTest, EntriesLeavingTheDestinationRefuseTheWholeArchive) {
    for (const char* archive : {"zipslip.zip", "zipabs.zip", "dotdot.tar.gz", "absolute.tar",
                                "hardlink_out.tar", "hardlink_climb.tar"}) {
        std::string dest = fresh_dir(std::string("x-") + archive);
        auto r = extract(archive, dest);
        EXPECT_EQ(r.status, 400) << archive << ": " << r.body;
        EXPECT_EQ(r.body.find(canary_dir_.string().substr(0, 12)), std::string::npos) << r.body;
        EXPECT_TRUE(stdfs::is_empty(home("alice") / dest.substr(1))) << archive;
        expect_nothing_escaped(dest);
    }
}

TEST_F(FilesArchiveTest, SymlinksOutAreDroppedAndNeverWalkedThrough) {
    std::string d1 = fresh_dir("sym1");
    auto r1 = extract("symlink_then_file.tar", d1);
    EXPECT_EQ(r1.status, 200) << r1.body;  // the link is dropped; the file lands inside
    EXPECT_FALSE(stdfs::is_symlink(home("alice") / "sym1" / "link"));
    EXPECT_EQ(slurp(home("alice") / "sym1" / "link" / "canary.txt"), "pwned");
    expect_nothing_escaped(d1);

    std::string d2 = fresh_dir("sym2");
    EXPECT_EQ(extract("symlink_climb.tar", d2).status, 200);
    EXPECT_FALSE(stdfs::is_symlink(home("alice") / "sym2" / "up"));
    expect_nothing_escaped(d2);

    // A link inside is kept, but an entry through it is refused (whole).
    std::string d3 = fresh_dir("sym3");
    auto r3 = extract("symlink_inside_then_file.tar", d3);
    EXPECT_EQ(r3.status, 400) << r3.body;
    EXPECT_TRUE(stdfs::is_empty(home("alice") / "sym3"));
    expect_nothing_escaped(d3);

    std::string d4 = fresh_dir("sym4");
    ASSERT_EQ(extract("links_kept_and_dropped.tar", d4).status, 200);
    auto d = home("alice") / "sym4" / "d";
    EXPECT_TRUE(stdfs::is_symlink(d / "good"));
    EXPECT_EQ(slurp(d / "good"), "target");
    EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(d / "bad")));
    EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(d / "abs")));
    expect_nothing_escaped(d4);
}

// Where a link leads once every link on its way is followed: inside
// alice's home or not (a dangling link leads nowhere and counts as inside).
bool leads_out_of(const stdfs::path& link, const stdfs::path& home) {
    std::error_code ec;
    auto real = stdfs::canonical(link, ec);
    if (ec) return false;
    auto home_real = stdfs::canonical(home);
    auto rel = real.lexically_relative(home_real);
    return rel.empty() || *rel.begin() == "..";
}

// Issue 14: a link whose text stays inside ("d1/d2/l1/../../bob") but which
// climbs out through another link ("l1 -> ../..") must not survive.
TEST_F(FilesArchiveTest, LinksResolvingOutThroughOtherLinksAreRemoved) {
    auto bob_secret = home("bob") / "secret.txt";
    spit(bob_secret, "bob's");
    std::string dest = fresh_dir("chain");
    auto r = extract("link_chain.tar", dest);
    EXPECT_EQ(r.status, 200) << r.body;
    auto root = home("alice") / "chain";
    for (const char* name : {"j", "d1/k"}) {
        auto link = root / name;
        EXPECT_FALSE(leads_out_of(link, home("alice")))
            << name << " leads to " << stdfs::canonical(link);
        EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(link))) << name << " was kept";
    }
    EXPECT_NE(slurp(root / "j" / "secret.txt"), "bob's");
    // Links that stay inside are kept.
    EXPECT_TRUE(stdfs::is_symlink(root / "ok"));
    EXPECT_EQ(slurp(root / "ok"), "real");
    EXPECT_TRUE(stdfs::is_symlink(root / "d1" / "d2" / "l1"));
    expect_nothing_escaped(dest);
}

// A link that stays inside where it is can lead out from where it is
// copied or moved to ("a/x -> ../bob" is alice's /bob; at /x it is the
// homes' bob): such a link is refused as the thing copied or moved, and
// removed when it is inside a tree copied or moved.
TEST_F(FilesArchiveTest, CopiedOrMovedLinksThatWouldLeadOutAreRemoved) {
    auto h = home("alice");
    stdfs::create_directories(h / "bob");  // so the links lead somewhere inside first
    stdfs::create_directories(h / "lk" / "deep");
    stdfs::create_directory_symlink("../bob", h / "lk" / "x");
    stdfs::create_directory_symlink("../bob", h / "lk" / "y");
    stdfs::create_directory_symlink("../../bob", h / "lk" / "deep" / "z");
    chown_tree(h / "lk");
    ::lchown((h / "lk").c_str(), uid_of_home(), gid_of_home());
    ::lchown((h / "bob").c_str(), uid_of_home(), gid_of_home());
    spit(home("bob") / "secret.txt", "bob's");

    // The link itself copied there: refused; moved there: removed. Nothing
    // is left at /x or /y that leads out.
    auto c = post("copy", {{"source", "/lk/x"}, {"destination", "/x"}});
    EXPECT_EQ(c.status, 400) << c.body;
    EXPECT_FALSE(leads_out_of(h / "x", h)) << "/x leads to " << stdfs::canonical(h / "x");
    EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(h / "x")));
    auto m = post("move", {{"source", "/lk/y"}, {"destination", "/y"}});
    EXPECT_EQ(m.status, 200) << m.body;
    EXPECT_FALSE(leads_out_of(h / "y", h)) << "/y leads to " << stdfs::canonical(h / "y");
    EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(h / "y")));
    // A directory moved up carries a link that now climbs one level more.
    auto md = post("move", {{"source", "/lk/deep"}, {"destination", "/deep"}});
    EXPECT_EQ(md.status, 200) << md.body;
    EXPECT_FALSE(leads_out_of(h / "deep" / "z", h))
        << "/deep/z leads to " << stdfs::canonical(h / "deep" / "z");
    EXPECT_TRUE(stdfs::is_directory(h / "deep"));
    expect_canary_untouched();
}

// Issue 14: like `unzip -d`, a destination that does not exist is made;
// a failed extraction leaves none of it behind.
TEST_F(FilesArchiveTest, ExtractMakesAMissingDestination) {
    ASSERT_EQ(post("mkdir", {{"path", "/mksrc"}}).status, 200);
    ASSERT_EQ(post("write", {{"path", "/mksrc/a.txt"}, {"content", "a"}}).status, 200);
    ASSERT_EQ(post("compress", {{"paths", {"/mksrc/a.txt"}}, {"archive", "/mksrc/a.zip"}}).status,
              200);
    auto r = post("extract", {{"archive", "/mksrc/a.zip"}, {"destination", "/made/by/extract"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(slurp(home("alice") / "made" / "by" / "extract" / "a.txt"), "a");

    auto bad = extract("zipslip.zip", "/notmade/x");
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_FALSE(stdfs::exists(home("alice") / "notmade"));
}

TEST_F(FilesArchiveTest, NoDevicesNoSetuidNoHardLinks) {
    std::string d1 = fresh_dir("dev");
    ASSERT_EQ(extract("devices.tar", d1).status, 200);
    EXPECT_EQ(slurp(home("alice") / "dev" / "regular.txt"), "regular");
    for (const char* n : {"null", "disk", "pipe"})
        EXPECT_FALSE(stdfs::exists(stdfs::symlink_status(home("alice") / "dev" / n))) << n;

    std::string d2 = fresh_dir("suid");
    ASSERT_EQ(extract("setuid.tar", d2).status, 200);
    struct stat st {};
    ASSERT_EQ(::stat((home("alice") / "suid" / "suid.sh").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0755u);
    ASSERT_EQ(::stat((home("alice") / "suid" / "sticky").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0777u);
    EXPECT_NE(st.st_uid, 0u);  // owners are never restored: the account's

    std::string d3 = fresh_dir("hl");
    ASSERT_EQ(extract("hardlink_inside.tar", d3).status, 200);
    ASSERT_EQ(::stat((home("alice") / "hl" / "copy.txt").c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 1u);  // a copy, not a link
    EXPECT_EQ(slurp(home("alice") / "hl" / "copy.txt"), "orig");
    expect_nothing_escaped(d3);
}

TEST_F(FilesArchiveTest, BombsAndFloodsStopWith413AndLeaveNothing) {
    std::string d1 = fresh_dir("bomb");
    auto b = extract("bomb.zip", d1);
    EXPECT_EQ(b.status, 413) << b.body;
    EXPECT_TRUE(stdfs::is_empty(home("alice") / "bomb"));
    expect_nothing_escaped(d1);

    std::string d2 = fresh_dir("many");
    auto m = extract("many.tar.gz", d2);
    EXPECT_EQ(m.status, 413) << m.body;
    EXPECT_TRUE(stdfs::is_empty(home("alice") / "many"));

    std::string d3 = fresh_dir("garbage");
    auto g = extract("garbage.zip", d3);
    EXPECT_EQ(g.status, 400) << g.body;
    EXPECT_TRUE(stdfs::is_empty(home("alice") / "garbage"));

    EXPECT_EQ(extract("missing.zip", d3).status, 404);
    EXPECT_EQ(
        post("extract", {{"archive", "/hostile/zipslip.zip"}, {"destination", "/../x"}}).status,
        400);
    EXPECT_EQ(post("extract", json::object{}).error(), "Archive is required");
}

}  // namespace
}  // namespace wsp::test
