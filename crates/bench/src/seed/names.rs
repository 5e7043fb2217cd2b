//! Deterministic randomness and realistic Brazilian names, neighbourhoods of
//! Vitória (the public no-show dataset's city) and visit reasons.

/// splitmix64: small, fast and the same on every platform and crate version.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// Favours the first entries (lists are ordered by how common they are in Brazil).
    pub fn skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let u = self.unit();
        &items[((u * u * u) * items.len() as f64) as usize]
    }
}

#[rustfmt::skip]
pub const FIRST_F: &[&str] = &[
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia", "Aline",
    "Conceição", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana", "Vanessa",
    "Mariana", "Gabriela", "Vitória", "Beatriz", "Larissa", "Raimunda", "Rosângela", "Cláudia", "Simone", "Débora",
    "Lúcia", "Helena", "Alice", "Valentina", "Sofia", "Luíza", "Mônica", "Tânia", "Fátima", "Eliane", "Joana",
    "Josefa", "Jussara", "Cecília",
];
#[rustfmt::skip]
pub const FIRST_M: &[&str] = &[
    "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos", "Luís", "Gabriel",
    "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Raimundo", "Rodrigo", "Sebastião", "Matheus",
    "André", "Fernando", "Fábio", "Leonardo", "Gustavo", "Guilherme", "Thiago", "Vinícius", "Joaquim", "Caio", "Davi",
    "Heitor", "Miguel", "Arthur", "Otávio", "Sérgio", "Márcio", "Rogério", "Jorge", "Júlio", "Jonas", "Benedito",
];
#[rustfmt::skip]
pub const SURNAMES: &[&str] = &[
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa",
    "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias",
    "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos",
    "Gonçalves", "Santana", "Teixeira", "Araújo", "Conceição", "Magalhães", "Brandão", "Simões", "Falcão", "Galvão",
    "Assunção", "Damião", "Estêvão", "Pimentel", "Cavalcanti", "Monteiro", "Batista", "Moraes", "Siqueira", "Jesus",
];
pub const PARTICLES: &[&str] = &["da", "de", "dos", "das", "do"];
#[rustfmt::skip]
pub const NEIGHBOURHOODS: &[&str] = &[
    "JARDIM CAMBURI", "MARIA ORTIZ", "RESISTÊNCIA", "JARDIM DA PENHA", "ITARARÉ", "CENTRO", "TABUAZEIRO",
    "SANTA MARTHA", "JESUS DE NAZARETH", "BONFIM", "SANTO ANTÔNIO", "SANTO ANDRÉ", "CARATOÍRA", "JABOUR", "SÃO PEDRO",
    "NOVA PALESTINA", "ANDORINHAS", "DA PENHA", "ROMÃO", "GURIGICA", "SÃO JOSÉ", "BELA VISTA", "MARUÍPE",
    "FORTE SÃO JOÃO", "ILHA DE SANTA MARIA", "SÃO CRISTÓVÃO", "REDENÇÃO", "SÃO BENEDITO", "CONSOLAÇÃO",
    "ILHA DO PRÍNCIPE",
];
#[rustfmt::skip]
pub const DOCTOR_NAMES: &[&str] = &[
    "Helena Duarte", "Ricardo Vasconcelos", "Beatriz Quintão", "Otávio Lacerda", "Isabela Coutinho", "Fábio Meireles",
    "Lívia Prates", "Renato Bragança", "Cíntia Amaral", "Gilberto Sampaio", "Natália Borges", "Vítor Paiva",
    "Clarice Fontes", "Henrique Tavares", "Paula Guimarães", "Mauro Rezende", "Sílvia Peixoto", "Álvaro Queiroz",
    "Teresa Bittencourt", "Caetano Leão",
];
#[rustfmt::skip]
pub const REASONS: &[&str] = &[
    "Consulta de rotina", "Retorno", "Dor de cabeça persistente", "Hipertensão: acompanhamento",
    "Resultado de exames", "Vacinação", "Pré-natal", "Renovação de receita", "Dor lombar",
    "Acompanhamento de diabetes",
];

/// A Brazilian full name and its first name, common names more often.
pub fn full_name(rng: &mut Rng, female: bool) -> (String, String) {
    let firsts = if female { FIRST_F } else { FIRST_M };
    let first = rng.skewed(firsts).to_string();
    let mut name = first.clone();
    if rng.chance(0.2) {
        let second = rng.pick(firsts);
        if *second != first {
            name.push(' ');
            name.push_str(second);
        }
    }
    if rng.chance(0.3) {
        name.push(' ');
        name.push_str(rng.pick::<&str>(PARTICLES));
    }
    let last = rng.skewed(SURNAMES);
    name.push(' ');
    name.push_str(last);
    if rng.chance(0.6) {
        let other = rng.skewed(SURNAMES);
        if other != last {
            name.push(' ');
            name.push_str(other);
        }
    }
    (name, first)
}
