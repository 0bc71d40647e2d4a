//! The command line: `serve` (default), `migrate`, `seed`, `bench`.

use crate::{Server, bench, default_pool_size, seed_database, shutdown_signal};
use app::db::{Db, migrate};
use app::services::seed::SeedParams;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(
    name = "server",
    version,
    about = "Web-in-store: the in-store terminal of an omnichannel retailer"
)]
pub struct Cli {
    /// sqlite://FILE (created when missing) or postgres://USER@HOST:PORT/DB
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://web-in-store.db",
        global = true
    )]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the app (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with the demo chain.
    Seed(SeedArgs),
    /// Measure lookup, search and live-update speed (see the README).
    Bench(bench::BenchArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Where cargo-leptos put the browser bundle.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Seed the demo chain first if the database is empty.
    #[arg(long)]
    pub seed_if_empty: bool,
    /// Database connections kept open (default: four per CPU core).
    #[arg(long, default_value_t = default_pool_size())]
    pub pool_size: u32,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: "target/site".into(),
            seed_if_empty: false,
            pool_size: default_pool_size(),
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct SeedArgs {
    /// Do nothing (and succeed) when the database already holds data.
    #[arg(long)]
    pub if_empty: bool,
    /// The benchmark chain: 200 shops, 2 warehouses, 50,000 SKUs.
    #[arg(long)]
    pub chain: bool,
    #[arg(long)]
    pub shops: Option<usize>,
    #[arg(long)]
    pub warehouses: Option<usize>,
    #[arg(long)]
    pub skus: Option<usize>,
    #[arg(long)]
    pub customers: Option<usize>,
    #[arg(long)]
    pub orders: Option<usize>,
    /// Same seed, same data.
    #[arg(long)]
    pub rng_seed: Option<u64>,
}

impl SeedArgs {
    pub fn params(&self) -> SeedParams {
        let base = if self.chain {
            SeedParams::chain()
        } else {
            SeedParams::default()
        };
        SeedParams {
            shops: self.shops.unwrap_or(base.shops),
            warehouses: self.warehouses.unwrap_or(base.warehouses),
            skus: self.skus.unwrap_or(base.skus),
            customers: self.customers.unwrap_or(base.customers),
            orders: self.orders.unwrap_or(base.orders),
            rng_seed: self.rng_seed.unwrap_or(base.rng_seed),
        }
    }
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        None => serve(&cli.database_url, ServeArgs::default()).await,
        Some(Command::Serve(args)) => serve(&cli.database_url, args).await,
        Some(Command::Migrate) => {
            let db = open(&cli.database_url).await?;
            let applied = migrate(&db)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Some(Command::Seed(args)) => {
            let db = open(&cli.database_url).await?;
            migrate(&db)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            seed_database(&db, &args.params(), args.if_empty).await
        }
        Some(Command::Bench(args)) => bench::run(args).await,
    }
}

async fn open(url: &str) -> Result<Db, String> {
    Db::connect(url, 4)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))
}

/// Seeds the demo chain (if the database is empty) in a process of its own:
/// building a chain allocates hundreds of megabytes that the allocator of a
/// long-running server would keep (a server that had seeded held 285 MB,
/// one that had not 17 MB); a child process gives them back as it ends.
async fn seed_in_child_process(database_url: &str) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut seed = std::process::Command::new(exe);
    seed.arg("--database-url")
        .arg(database_url)
        .args(["seed", "--if-empty"]);
    let status = tokio::task::spawn_blocking(move || seed.status())
        .await
        .map_err(|e| format!("the seed did not finish: {e}"))?
        .map_err(|e| format!("cannot start the seed: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("seeding the demo chain failed ({status})"))
    }
}

async fn serve(database_url: &str, args: ServeArgs) -> Result<(), String> {
    let server = Server::prepare(database_url, args.addr, &args.site_root, args.pool_size).await?;
    if args.seed_if_empty {
        seed_in_child_process(database_url).await?;
    }
    let mailer = crate::mail::Mailer::from_env()?;
    println!("{}", mailer.describe());
    println!(
        "{}",
        crate::webhooks::Webhooks::configure_from_env(&server.state.db).await?
    );
    let webhooks = crate::webhooks::Webhooks::new("server")?;
    let jobs = crate::jobs::Jobs::start(
        server.state.db.clone(),
        server.state.events.clone(),
        mailer,
        webhooks,
    );
    println!("Web-in-store listening on http://{}", server.local_addr());
    let served = server.run(shutdown_signal()).await;
    jobs.stop().await;
    served
}
