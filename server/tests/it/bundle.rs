//! How the browser bundle is served: the copies compressed at build time
//! when the browser takes them, otherwise the file as it is; never
//! compressed per request (a debug bundle is 7 MB, and compressing it took
//! the unoptimised test server seconds per page load). Pages and API
//! answers are still compressed per request.

use crate::common::{Engine, TestApp, TestDb, both_databases};

/// A site with a large, very compressible WebAssembly file that has no
/// compressed copy, and a script that has a gzip copy.
fn site_with_bundle() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("site folder");
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg folder");
    std::fs::write(pkg.join("app.wasm"), "web-in-store ".repeat(20_000)).expect("wasm written");
    std::fs::write(pkg.join("app.js"), "plain script").expect("script written");
    std::fs::write(pkg.join("app.js.gz"), "the gzip copy").expect("gzip copy written");
    dir
}

async fn the_bundle_is_compressed_at_build_time_or_not_at_all(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    test_db.seeded().await;
    let site = site_with_bundle();
    let app = TestApp::start_with_site(&test_db, &site.path().display().to_string()).await;

    let wasm = app
        .http
        .get(app.url("/pkg/app.wasm"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("wasm answered");
    assert_eq!(wasm.status(), 200);
    assert_eq!(
        wasm.headers().get("content-encoding"),
        None,
        "a bundle file without a compressed copy is served as it is"
    );
    let body = wasm.bytes().await.expect("wasm body");
    assert_eq!(body.len(), "web-in-store ".len() * 20_000);

    let script = app
        .http
        .get(app.url("/pkg/app.js"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("script answered");
    assert_eq!(
        script
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip"),
        "the copy compressed at build time is served"
    );
    assert_eq!(
        script.bytes().await.expect("script body").as_ref(),
        b"the gzip copy"
    );

    let page = app
        .http
        .get(app.url("/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page answered");
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip"),
        "pages are compressed per request"
    );
}
both_databases!(
    bundle_compression,
    super::the_bundle_is_compressed_at_build_time_or_not_at_all
);
