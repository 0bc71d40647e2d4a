use crate::domain::Role;
use crate::shell::UserContext;
use leptos::prelude::*;

/// The bar at the top: who is signed in, where, and the way out.
#[component]
pub fn Header() -> impl IntoView {
    let UserContext(user) = expect_context();
    view! {
        <header class="top-bar">
            <a class="brand" href="/">"Web-in-store"</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = user.await.ok().flatten();
                    user.map(|user| {
                        let is_staff = user.role.is_staff();
                        view! {
                            <nav aria-label="Main">
                                {is_staff.then(|| view! { <a href="/stock">"Stock"</a> })}
                            </nav>
                            <span class="who">
                                <span class="who-name">{user.display_name.clone()}</span>
                                <span class="who-shop">
                                    {format!("{} · {}", user.location_name, role_label(user.role))}
                                </span>
                            </span>
                            {(user.role != Role::Kiosk)
                                .then(|| {
                                    view! {
                                        <form method="post" action="/auth/logout" class="sign-out">
                                            <button type="submit">"Sign out"</button>
                                        </form>
                                    }
                                })}
                        }
                    })
                })}
            </Transition>
        </header>
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Associate => "Sales associate",
        Role::Manager => "Store manager",
        Role::Kiosk => "Kiosk",
    }
}
