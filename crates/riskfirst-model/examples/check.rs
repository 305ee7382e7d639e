fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src =
        riskfirst_model::fs::read_estate(std::path::Path::new(&path), &Default::default()).unwrap();
    let loaded = riskfirst_model::load(src, &Default::default());
    for d in &loaded.diagnostics {
        print!(
            "{}",
            riskfirst_model::diag::render(d, &loaded.sources, &Default::default())
        );
    }
    println!("estate: {}", loaded.estate.is_some());
}
