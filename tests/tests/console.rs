//! The workbench as each demo account first sees it, and the protections every page has: the
//! sign-in form at `/`, each role's landing page, CSRF tokens on posts, sign-out that ends the
//! session, idle expiry, and the security headers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::browser::Demo;
use fantoccini::Locator;

#[tokio::test]
async fn workbench_each_role_lands_on_its_own_screen_and_sessions_are_protected() {
    // Sessions idle for 4 s end, so the expiry can be seen without waiting half an hour.
    let demo = Demo::start(&[("HOTLINE_CONSOLE_IDLE_SECONDS", "4")]).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Signed out, `/` is the sign-in form: a username input, then a password input.
    let b = demo.browser().await;
    b.goto("/").await;
    let form = b.text("main").await;
    assert!(form.contains("用户名") && form.contains("密码"), "{form}");
    b.screenshot("console-sign-in").await;

    // A wrong password says so, in Chinese, and stays on the form.
    b.fill("input[name=username]", "operator").await;
    b.fill("input[name=password]", "wrong-password").await;
    b.find("input[name=password]")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    b.wait_text("main", "用户名或密码不正确").await;

    // Each demo account lands on its role's screen.
    b.sign_in("operator").await;
    let active = b
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(active, "q", "the operator's focus is in the search box");
    b.close().await;
    for (user, marker) in [
        ("liaison-530100-zfb", "#inbox"),
        ("editor", "#review-queue"),
        ("supervisor", "#board"),
        ("admin", "#accounts"),
    ] {
        let b = demo.browser().await;
        b.sign_in(user).await;
        b.find(marker).await;
        b.close().await;
    }

    // Every answer carries the security headers; the page has no inline script.
    let res = http.get(demo.url("/")).send().await.unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "{html}"
    );

    // A wrong method on a page that exists is a 405 that says which methods it takes, told in
    // Chinese; an address nobody serves is a 404.
    for (method, path, allow) in [
        (reqwest::Method::PUT, "/tickets", "GET"),
        (reqwest::Method::GET, "/logout", "POST"),
        (reqwest::Method::DELETE, "/knowledge/faqs/F-1", "GET, POST"),
        (
            reqwest::Method::GET,
            "/tickets/T20261205-000001/assign",
            "POST",
        ),
    ] {
        let res = http
            .request(method.clone(), demo.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{method} {path}");
        let mut allowed: Vec<&str> = res.headers()["allow"]
            .to_str()
            .unwrap()
            .split(',')
            .map(str::trim)
            .collect();
        allowed.sort_unstable();
        assert_eq!(allowed.join(", "), allow, "{method} {path}");
        let page = res.text().await.unwrap();
        assert!(page.contains("此地址不支持这种请求方式"), "{page}");
    }
    let res = http.get(demo.url("/no-such-page")).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // A form posted without its CSRF token is refused, and changes nothing.
    let b = demo.browser().await;
    b.sign_in("operator").await;
    let cookie = b.client.get_named_cookie("hotline_session").await.unwrap();
    let cookie_header = format!("hotline_session={}", cookie.value());
    let res = http
        .post(demo.url("/logout"))
        .header("cookie", &cookie_header)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("页面已过期"));
    // The session is still alive: the page still opens.
    b.goto("/").await;
    b.find("#q").await;

    // After 4 idle seconds the session is gone: the next page is the sign-in form, and a
    // bookmarked place is kept for after signing in.
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    b.goto("/call?phone=13800001111").await;
    b.find("input[name=password]").await;
    assert!(b.path().await.starts_with("/?next="), "{}", b.path().await);
    b.fill("input[name=username]", "operator").await;
    b.fill("input[name=password]", e2e::browser::DEMO_PASSWORD)
        .await;
    b.find("input[name=password]")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    b.find("header.top").await;
    assert_eq!(b.path().await, "/call?phone=13800001111");

    // Sign-out ends the session: the old cookie opens nothing.
    let cookie = b.client.get_named_cookie("hotline_session").await.unwrap();
    b.click("header.top form button").await;
    b.find("input[name=password]").await;
    let res = http
        .get(demo.url("/tickets"))
        .header("cookie", format!("hotline_session={}", cookie.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "a revoked session still opened a page");
    assert!(b.client.find(Locator::Css("header.top")).await.is_err());
    b.close().await;
}
