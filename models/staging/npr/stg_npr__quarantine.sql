{{ quarantine_union([
    ref('base_npr__som'),
    ref('base_npr__avtalesom'),
    ref('base_npr__phv'),
    ref('base_npr__avtalephv'),
    ref('base_npr__phbu'),
    ref('base_npr__phbu_referrals'),
    ref('base_npr__tsb'),
]) }}
