"""Demo data: a helpdesk that looks lived in, for trying the console out.

``populate`` fills an empty store with Backsite's customers as the onboarding
guide describes them: public bodies and companies that contracted GPE and the
other platforms, each at its own stage of implementation, their people and
Backsite's support team, and a few hundred interactions from the last four
months in every status, category and kind, with timelines that follow the
status workflow and the contract's deadlines.

``generate_interactions`` is the part that invents interactions. It touches
no store, hashes no password and, unless asked, writes no file, so that a
benchmark can draw a hundred thousand realistic interactions from it.

Everything is drawn from one ``random.Random(seed)``: the same seed and the
same ``now`` give the same helpdesk.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import logging
import random
import struct
import tempfile
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Generic, NamedTuple, Protocol, TypeVar

from data import passwords
from data.deadlines import SAO_PAULO, BusinessCalendar, policy_for
from data.helpdesk import Helpdesk
from data.i18n import N_
from data.models import (
    Attachment,
    Category,
    Direction,
    Event,
    EventKind,
    Gender,
    Interaction,
    Kind,
    Notification,
    Organisation,
    Permission,
    Product,
    Role,
    Severity,
    Stage,
    Status,
    User,
)
from data.workflow import Action, path

log = logging.getLogger("sac.demo")

T = TypeVar("T")

DEMO_PASSWORD = "Atendimento#2026"
"""The password of every demo account; it passes the new-password rules."""

DEMO_DAYS = 120
"""How far back, in days, the demo's interactions go."""

_BACKSITE = "backsite.com.br"

DEMO_ACCOUNTS: list[tuple[str, str]] = [
    (N_("Administrator"), f"renata.lins@{_BACKSITE}"),
    (N_("Agent"), f"marcos.tavares@{_BACKSITE}"),
    (N_("Agent"), f"juliana.lima@{_BACKSITE}"),
    (N_("Customer"), "carlos.mendes@santos.sp.gov.br"),
    (N_("Customer"), "luciana.rocha@saovicente.sp.leg.br"),
    (N_("Customer"), "patricia.dias@portovivo.com.br"),
]
"""The accounts the login screen offers: (role label, e-mail).

The label is a message id: translate it with ``_()`` when showing it. Every
account logs in with ``DEMO_PASSWORD``; the first agent may also back up.
"""


@dataclass
class DemoSummary:
    """What ``populate`` put in the store, for the CLI to report."""

    statuses: dict[Status, int]
    organisations: int
    users: int
    interactions: int
    attachments: int
    notifications: int


class AttachmentKeeper(Protocol):
    """Where ``generate_interactions`` keeps real files (the repository)."""

    def save_attachment(
        self, source: Path, *, name: str, added_by: int, at: datetime
    ) -> Attachment: ...


# -- who and what: Backsite's products, customers and people -----------------

_PRODUCTS = {
    "GPE": "Ferramenta especializada na Gestão de Processos Eletrônicos, na qual "
    "realiza tramitações de processos através de remessas digitais.",
    "BS Studio": "Plataforma de criação e publicação de aplicações do Backsite, "
    "com uma nova versão semanal de correções e novas funcionalidades.",
    "CRM Backsite": "Relacionamento com o cliente na web e nos aplicativos para "
    "Android e iPhone, com o SAC na palma da mão.",
    "Rede Corporativa": "Rede social e-Solution da instituição: comunicação "
    "interna, Rede Vip, Rede Pública e Gestão de Ferramentas.",
}

_MODULES = {
    "GPE": (
        "Protocolo",
        "Tramitação",
        "Remessas digitais",
        "Assinatura digital",
        "Relatórios gerenciais",
        "Arquivo",
    ),
    "BS Studio": ("Editor de formulários", "Publicação", "Permissões", "Agenda"),
    "CRM Backsite": (
        "Agenda de contatos",
        "Aplicativo Android",
        "Aplicativo iPhone",
        "Oportunidades",
    ),
    "Rede Corporativa": (
        "Gestão da Rede",
        "Rede Vip",
        "Rede Pública",
        "Administrativo",
    ),
}

_STAGE_NOTES = {
    Stage.TRAINING: "Levantamento concluído; treinamento dos usuários agendado.",
    Stage.ASSISTED_OPERATION: "Treinamento concluído; início da operação assistida.",
    Stage.MAINTENANCE: "Sistema em funcionamento normal; manutenção e suporte.",
}


@dataclass(frozen=True)
class _DemoOrganisation:
    """An organisation of the demo and when its implementation moved on.

    ``stage_days`` are the days after signing on which Treinamento,
    Operação assistida and Manutenção e suporte began, as far as it got.
    """

    key: str
    name: str
    domain: str
    products: tuple[str, ...]
    pdc: bool
    created_days_ago: int
    stage_days: tuple[int, ...]
    consultant: str


_ORGANISATIONS = (
    _DemoOrganisation(
        "santos",
        "Prefeitura Municipal de Santos",
        "santos.sp.gov.br",
        ("GPE", "BS Studio"),
        True,
        420,
        (40, 85, 140),
        "juliana.lima",
    ),
    _DemoOrganisation(
        "portovivo",
        "Porto Vivo Logística Ltda.",
        "portovivo.com.br",
        ("CRM Backsite", "BS Studio"),
        True,
        330,
        (30, 75, 120),
        "paulo.sousa",
    ),
    _DemoOrganisation(
        "saovicente",
        "Câmara Municipal de São Vicente",
        "saovicente.sp.leg.br",
        ("GPE",),
        False,
        210,
        (35, 100),
        "juliana.lima",
    ),
    _DemoOrganisation(
        "univesp",
        "Univesp - Universidade Virtual do Estado de São Paulo",
        "univesp.br",
        ("GPE", "CRM Backsite"),
        True,
        170,
        (50,),
        "paulo.sousa",
    ),
    _DemoOrganisation(
        "litoralsul",
        "Litoral Sul Distribuidora de Alimentos Ltda.",
        "litoralsul.com.br",
        ("BS Studio", "Rede Corporativa"),
        False,
        150,
        (30, 70, 125),
        "marcos.tavares",
    ),
    _DemoOrganisation(
        "guaruja",
        "Prefeitura Municipal de Guarujá",
        "guaruja.sp.gov.br",
        ("GPE", "Rede Corporativa"),
        False,
        28,
        (),
        "marcos.tavares",
    ),
)


@dataclass(frozen=True)
class _Person:
    """A demo account; phones are written as people type them."""

    name: str
    local: str
    role: Role
    phone: str
    gender: Gender
    organisation: str = ""
    days_after_organisation: int = 0
    backup: bool = False


_STAFF = (
    _Person(
        "Renata Albuquerque Lins",
        "renata.lins",
        Role.ADMIN,
        "(13) 3568-7961",
        Gender.FEMALE,
    ),
    _Person(
        "Marcos Vinícius Tavares",
        "marcos.tavares",
        Role.AGENT,
        "13 3568 2835",
        Gender.MALE,
        backup=True,
    ),
    _Person(
        "Juliana Ferreira Lima", "juliana.lima", Role.AGENT, "1126407530", Gender.FEMALE
    ),
    _Person(
        "Paulo Henrique Sousa",
        "paulo.sousa",
        Role.AGENT,
        "+55 12 3302-2950",
        Gender.MALE,
    ),
)

_CUSTOMERS = (
    _Person(
        "Carlos Eduardo Mendes",
        "carlos.mendes",
        Role.CUSTOMER,
        "(13) 3201-4412",
        Gender.MALE,
        "santos",
        2,
    ),
    _Person(
        "Fernanda Oliveira Prado",
        "fernanda.prado",
        Role.CUSTOMER,
        "+55 13 99614-2207",
        Gender.FEMALE,
        "santos",
        60,
    ),
    _Person(
        "Patrícia Moreira Dias",
        "patricia.dias",
        Role.CUSTOMER,
        "(13) 98127-5530",
        Gender.FEMALE,
        "portovivo",
        3,
    ),
    _Person(
        "Luciana Batista Rocha",
        "luciana.rocha",
        Role.CUSTOMER,
        "13 3569-1180",
        Gender.FEMALE,
        "saovicente",
        2,
    ),
    _Person(
        "Rafael Nogueira Campos",
        "rafael.campos",
        Role.CUSTOMER,
        "(11) 3188-1942",
        Gender.MALE,
        "univesp",
        1,
    ),
    _Person(
        "Beatriz Santana Costa",
        "beatriz.costa",
        Role.CUSTOMER,
        "11 97652-3318",
        Gender.UNDISCLOSED,
        "univesp",
        20,
    ),
    _Person(
        "Gustavo Henrique Alves",
        "gustavo.alves",
        Role.CUSTOMER,
        "(13) 3422-6091",
        Gender.MALE,
        "litoralsul",
        4,
    ),
    _Person(
        "Antônio Carlos Ribeiro",
        "antonio.ribeiro",
        Role.CUSTOMER,
        "013 3308-7720",
        Gender.MALE,
        "guaruja",
        2,
    ),
)


# -- what they write: pieces of subjects, descriptions and answers ------------

_FIRST_NAMES = """Ana Bruno Cláudia Daniel Eduarda Felipe Gabriela Henrique Isabela João
Larissa Mateus Natália Otávio Priscila Rodrigo Simone Thiago Vanessa Wagner""".split()
_SURNAMES = """Almeida Barbosa Cardoso Duarte Esteves Figueiredo Gonçalves Lopes Martins
Nascimento Pereira Queiroz Ramos Silveira Teixeira Vieira""".split()

_SIMPLE_SLOTS: dict[str, tuple[str, ...]] = {
    "department": (
        "Protocolo Geral",
        "Secretaria de Administração",
        "Secretaria da Fazenda",
        "Recursos Humanos",
        "Procuradoria",
        "Gabinete",
        "Licitações e Contratos",
        "Ouvidoria",
        "Secretaria Acadêmica",
        "Financeiro",
        "Compras",
        "Almoxarifado",
        "Comunicação",
    ),
    "error": (
        "Erro 500 - falha ao gravar a remessa",
        "Tempo limite excedido ao gerar o PDF",
        "Usuário sem permissão para esta ação",
        "Certificado inválido ou expirado",
        "Falha na conexão com o banco de dados",
        "Documento já tramitado por outro usuário",
        "Sessão expirada, faça o login novamente",
    ),
    "action": (
        "tramitar um processo",
        "gerar a remessa digital",
        "anexar um documento em PDF",
        "assinar digitalmente um despacho",
        "emitir o relatório de processos parados",
        "cadastrar um novo interessado",
        "arquivar um processo concluído",
        "publicar um formulário",
    ),
    "attempt": (
        "limpar o cache do navegador",
        "sair e entrar novamente no sistema",
        "usar outro computador",
        "trocar de navegador",
        "reiniciar a máquina",
    ),
    "when": (
        "hoje cedo",
        "ontem à tarde",
        "o início da semana",
        "a última atualização",
        "segunda-feira",
        "a virada do mês",
    ),
    "report": (
        "processos parados há mais de 30 dias",
        "remessas digitais por setor",
        "prazos vencidos por secretaria",
        "tramitações por usuário",
        "documentos assinados no mês",
    ),
    "system": (
        "folha de pagamento",
        "contabilidade pública",
        "Diário Oficial eletrônico",
        "portal da transparência",
        "gestão acadêmica",
    ),
    "feature": (
        "aviso por e-mail quando um processo chegar ao setor",
        "assinatura em lote dos despachos",
        "modelos de despacho por assunto",
        "um painel com os prazos de cada setor",
        "exportação dos relatórios em planilha",
    ),
    "cause": (
        "uma falha no serviço de remessas digitais",
        "um índice corrompido no banco de dados",
        "um certificado da cadeia ICP-Brasil desatualizado no servidor",
        "uma permissão faltando no perfil do setor",
        "um limite de tamanho de anexo baixo demais na configuração",
    ),
    "hour": tuple("8h15 9h40 10h05 11h30 13h50 14h20 15h45 17h10".split()),
}

_MONTHS = """janeiro fevereiro março abril maio junho julho agosto setembro
outubro novembro dezembro""".split()
_WEEKDAYS = """segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado
domingo""".split()


class _Topic(NamedTuple):
    """What one sort of interaction is about: subject, opening and, when the
    category's answers would not fit it, the support team's answer."""

    subject: str
    opening: str
    answer: str = ""


_TOPICS: dict[tuple[Category, Kind], tuple[_Topic, ...]] = {
    (Category.SAC, Kind.COMPLIMENT): (
        _Topic(
            "Elogio ao atendimento de {agent_first}",
            "Gostaria de registrar um elogio ao atendimento de {agent_first}, que "
            "nos ajudou com o módulo {module} do {product} com muita paciência e "
            "clareza.",
        ),
        _Topic(
            "Elogio ao treinamento do {product}",
            "Quero agradecer à equipe do Backsite pelo treinamento do {product} "
            "com os servidores do setor de {department}.",
        ),
        _Topic(
            "Agradecimento pela agilidade do suporte",
            "Registro aqui nosso agradecimento pela rapidez com que o suporte "
            "resolveu o problema que tivemos desde {when}.",
        ),
        _Topic(
            "Parabéns pela nova versão do {product}",
            "A nova versão do {product} ficou muito mais rápida, principalmente "
            "para {action}.",
        ),
    ),
    (Category.SAC, Kind.COMPLAINT): (
        _Topic(
            "Demora no retorno do suporte",
            "Abrimos um chamado sobre o módulo {module} e até agora não tivemos "
            "retorno, apesar de termos ligado para o suporte desde {when}.",
        ),
        _Topic(
            "Reclamação sobre a lentidão do {product}",
            "O {product} está muito lento desde {when}: para {action}, o sistema "
            "leva mais de {count} segundos.",
        ),
        _Topic(
            "Ligação ao plantão sem retorno",
            "Ligamos para o telefone de plantão (13) 97413-0738 e ninguém retornou "
            "a ligação, embora o chamado já estivesse aberto no SAC.",
        ),
        _Topic(
            "Atualização feita sem aviso ao setor de {department}",
            "O {product} foi atualizado sem que o setor de {department} fosse "
            "avisado, e ficamos sem o sistema no meio do expediente.",
        ),
    ),
    (Category.SAC, Kind.SUGGESTION): (
        _Topic(
            "Sugestão: filtro por setor na tela de {module}",
            "Seria muito útil ter um filtro por setor na tela de {module}, pois "
            "hoje precisamos percorrer a lista inteira.",
        ),
        _Topic(
            "Sugestão de atalho para {action}",
            "Sugerimos criar um atalho para {action}, a tarefa mais frequente do "
            "setor de {department}.",
        ),
        _Topic(
            "Sugestão para o aplicativo CRM Backsite",
            "No aplicativo CRM Backsite, seria bom poder anexar fotos direto da "
            "câmera ao abrir uma nova interação.",
        ),
        _Topic("Sugestão: {feature}", "Sugerimos, para o {product}, {feature}."),
    ),
    (Category.SAC, Kind.REQUEST): (
        _Topic(
            "Acesso ao {product} para {person}",
            "Solicitamos o acesso ao {product} para {person}, que passou a "
            "trabalhar no setor de {department}.",
            "Olá, {first}. O acesso de {person} foi liberado com o perfil do setor "
            "de {department}. A senha provisória foi enviada ao e-mail "
            "institucional.",
        ),
        _Topic(
            "Treinamento para novos servidores do setor de {department}",
            "Gostaríamos de agendar um treinamento do {product} para {count} novos "
            "servidores do setor de {department}.",
            "Olá, {first}. O treinamento ficou agendado para {meeting}, às 9h, com "
            "o consultor {agent_first}.",
        ),
        _Topic(
            "Permissão no módulo {module} para {person}",
            "Precisamos liberar a permissão do módulo {module} para {person}, do "
            "setor de {department}.",
            "Olá, {first}. A permissão do módulo {module} foi concedida a {person}; "
            "basta sair e entrar novamente no sistema.",
        ),
    ),
    (Category.SUPPORT, Kind.COMPLAINT): (
        _Topic(
            "Erro ao {action} no {product}",
            "Desde {when}, ao tentar {action} no módulo {module} do {product}, o "
            'sistema mostra a mensagem "{error}".',
        ),
        _Topic(
            "{product} fora do ar para o setor de {department}",
            "O {product} não abre para ninguém do setor de {department} desde "
            '{when}; a tela fica carregando e depois aparece "{error}".',
        ),
        _Topic(
            "Lentidão ao {action}",
            "Ao {action}, o {product} demora vários minutos e às vezes termina com "
            'a mensagem "{error}".',
        ),
    ),
    (Category.SUPPORT, Kind.REQUEST): (
        _Topic(
            "Usuário de {person} bloqueado no {product}",
            "O usuário de {person} foi bloqueado no {product} depois de algumas "
            "tentativas de acesso e precisamos liberá-lo.",
            "Olá, {first}. O usuário de {person} foi desbloqueado e a senha, "
            "redefinida; a nova senha provisória foi enviada ao e-mail dele.",
        ),
        _Topic(
            "Certificado digital não reconhecido na assinatura",
            "O certificado digital de {person} não é reconhecido na assinatura "
            'digital do {product}; aparece a mensagem "{error}".',
            "Olá, {first}. A cadeia de certificados ICP-Brasil do servidor estava "
            "desatualizada; atualizamos e a assinatura voltou a funcionar.",
        ),
        _Topic(
            "Processo {process} não aparece na caixa do setor",
            "O processo {process} foi tramitado para o setor de {department}, mas "
            "não aparece na caixa de entrada do setor.",
            "Olá, {first}. O processo {process} estava numa remessa que não foi "
            "concluída; reprocessamos a remessa e ele já aparece na caixa do setor.",
        ),
    ),
    (Category.PDC, Kind.REQUEST): (
        _Topic(
            "Novo relatório: {report}",
            "Dentro do nosso contrato de PDC, solicitamos um novo relatório de "
            "{report} no {product}.",
        ),
        _Topic(
            "Integração do {product} com o sistema de {system}",
            "Precisamos integrar o {product} com o sistema de {system}, para "
            "evitar a digitação dos mesmos dados duas vezes.",
        ),
        _Topic(
            "Novo campo no cadastro do módulo {module}",
            "Solicitamos a inclusão de um campo para o número do contrato no "
            "cadastro do módulo {module}.",
        ),
    ),
    (Category.PDC, Kind.SUGGESTION): (
        _Topic(
            "Nova funcionalidade: {feature}",
            "Sugerimos, como nova funcionalidade do {product}, {feature}.",
        ),
        _Topic(
            "Melhoria no módulo {module}",
            "Para o módulo {module}, seria muito útil {feature}.",
        ),
    ),
    (Category.UPDATE, Kind.REQUEST): (
        _Topic(
            "Atualização do {product} para a versão {version}",
            "Solicitamos a atualização do {product} para a versão {version}, com "
            "as correções da semana.",
        ),
        _Topic(
            "Agendamento de atualização do {product}",
            "Gostaríamos de agendar a atualização do {product}, conforme a "
            "política de atualização.",
        ),
        _Topic(
            "Pacote de correção da versão {version}",
            "O consultor nos informou que há um pacote de correção da versão "
            "{version}; pedimos a instalação no nosso ambiente.",
        ),
    ),
    (Category.DATA_COPY, Kind.REQUEST): (
        _Topic(
            "Cópia da base de dados do {product}",
            "Solicitamos uma cópia da base de dados do {product}, com as "
            "informações inseridas e geradas pela plataforma.",
        ),
        _Topic(
            "Envio do backup da base de dados de {month}",
            "Precisamos do backup da base de dados de {month} para o arquivo interno.",
        ),
        _Topic(
            "Cópia dos dados para auditoria do Tribunal de Contas",
            "Para atender a uma auditoria do Tribunal de Contas, precisamos de uma "
            "cópia dos dados do {product}.",
        ),
    ),
}

# The banks below are keyed by (category, kind), or by (category, None) for
# every kind of the category; see ``_texts``.
Bank = dict[tuple[Category, Kind | None], tuple[str, ...]]

_MIDDLES: Bank = {
    (Category.SAC, Kind.COMPLIMENT): (
        "A explicação foi objetiva e hoje o setor de {department} consegue "
        "{action} sem precisar de ajuda.",
        "Desde a implantação, o tempo para {action} caiu muito e o setor ganhou "
        "agilidade.",
        "{count} colegas participaram e todos elogiaram a didática.",
    ),
    (Category.SAC, Kind.COMPLAINT): (
        "Isso atrapalha o setor de {department}, que usa o sistema o dia todo.",
        "Entendemos que imprevistos acontecem, mas precisamos de um retorno "
        "dentro dos prazos contratados.",
        "Já são {count} servidores afetados.",
    ),
    (Category.SAC, Kind.SUGGESTION): (
        "Hoje o setor faz isso em média {count} vezes por dia.",
        "Outras prefeituras da região comentaram a mesma necessidade.",
        "Acreditamos que a mudança reduziria bastante os erros de digitação.",
    ),
    (Category.SAC, Kind.REQUEST): (
        "A chefia do setor já está ciente e de acordo.",
        "O login pode ser o e-mail institucional, com o mesmo perfil dos colegas "
        "do setor.",
        "De preferência às terças ou quintas, no período da manhã.",
    ),
    (Category.SUPPORT, Kind.COMPLAINT): (
        "Já tentamos {attempt}, sem sucesso.",
        "O problema acontece com {count} usuários, em computadores diferentes.",
        "Aconteceu com o processo {process} e com outros do mesmo dia.",
        "O erro apareceu pela primeira vez por volta das {hour}.",
    ),
    (Category.SUPPORT, Kind.REQUEST): (
        "A chefia do setor de {department} já está ciente.",
        "Se for preciso, podemos fazer uma chamada de vídeo para mostrar a tela.",
        "Tentamos resolver pelo manual, sem sucesso.",
    ),
    (Category.PDC, Kind.SUGGESTION): (
        "Hoje o setor de {department} faz isso à mão, um documento por vez.",
        "Acreditamos que outros clientes também se beneficiariam.",
    ),
    (Category.PDC, None): (
        "Hoje o setor de {department} faz esse controle em planilha, o que toma "
        "muito tempo.",
        "O resultado deve poder ser filtrado por período e por setor, e "
        "exportado em PDF.",
        "A Procuradoria pediu esse controle para atender aos órgãos de fiscalização.",
    ),
    (Category.UPDATE, None): (
        "A data desejada é {wished} ({wished_weekday}), fora do horário de maior "
        "movimento do setor de {department}.",
    ),
    (Category.DATA_COPY, None): (
        "Sabemos que a estrutura de código da ferramenta não é enviada; "
        "precisamos apenas dos dados.",
        "A cópia pode ser disponibilizada para download ao setor de {department}.",
        "O pedido segue a Lei 12.527/2011, de acesso à informação.",
    ),
}

_IMPACTS = {
    Severity.CRITICAL: (
        "Com isso o atendimento ao público está parado e não conseguimos "
        "receber nenhum documento.",
        "É um problema crítico: os prazos dos processos estão correndo.",
    ),
    Severity.MEDIUM: (
        "Conseguimos contornar em parte, mas o trabalho está bem mais lento.",
        "Não impede o trabalho, mas atrapalha bastante o setor.",
    ),
}

_CLOSINGS: Bank = {
    (Category.SAC, Kind.COMPLIMENT): (
        "Parabéns a toda a equipe!",
        "Continuem assim, muito obrigado!",
        "Fica o nosso reconhecimento pelo bom trabalho.",
    ),
    (Category.SAC, Kind.SUGGESTION): (
        "Fica a sugestão para as próximas versões.",
        "Estamos à disposição para explicar melhor.",
    ),
    (Category.SUPPORT, None): (
        "Fico à disposição pelo telefone {phone}.",
        "Se precisarem de acesso remoto, é só avisar.",
        "Aguardamos um retorno.",
    ),
    (Category.SAC, None): (
        "Fico à disposição pelo telefone {phone}.",
        "Aguardamos um retorno.",
        "Obrigado desde já.",
    ),
    (Category.PDC, None): (
        "Podemos marcar uma reunião com o consultor para detalhar.",
        "Aguardamos a estimativa de prazo.",
    ),
    (Category.UPDATE, None): (
        "Avisaremos os usuários com antecedência.",
        "Pedimos que confirmem o horário.",
    ),
    (Category.DATA_COPY, None): ("Obrigado desde já.", "Aguardamos um retorno."),
}

_ON_BEHALF = (
    "Registrado pelo suporte a partir de ligação de {first} para o SAC. ",
    "Registrado pelo suporte a partir de ligação de {first} ao telefone de "
    "plantão (13) 97413-0738. ",
)
"""What staff write first when recording for a customer: by day, at night."""

_OUTREACH: dict[Stage, tuple[Category, str, str]] = {
    Stage.SURVEY: (
        Category.SAC,
        "Agendamento da reunião de Levantamento",
        "Olá, equipe da {organisation}. Sou {agent_first}, consultor(a) do "
        "Backsite, e gostaria de marcar a reunião de levantamento de requisitos "
        "do {product}. Nela vamos entender como funciona o trabalho de vocês e "
        "como a ferramenta deve se adequar para atendê-los da melhor maneira. "
        "Sugerimos {meeting}, às 10h, com as chefias do setor de {department}.",
    ),
    Stage.TRAINING: (
        Category.SAC,
        "Agenda do Treinamento do {product}",
        "Olá, equipe da {organisation}. Vamos iniciar a etapa de Treinamento, "
        "com a capacitação dos usuários que usarão o {product}. Precisamos da "
        "lista de participantes e de uma sala com {count} computadores. A "
        "primeira turma pode ser em {meeting}, a partir das 9h.",
    ),
    Stage.ASSISTED_OPERATION: (
        Category.SAC,
        "Acompanhamento da Operação assistida",
        "Olá, equipe da {organisation}. Na Operação assistida vamos acompanhar "
        "como o {product} está funcionando, ver o que precisa melhorar e tirar "
        "as dúvidas dos usuários. Podemos visitar o setor de {department} em "
        "{meeting}?",
    ),
    Stage.MAINTENANCE: (
        Category.UPDATE,
        "Nova versão {version} do {product} disponível",
        "Olá, equipe da {organisation}. Toda semana uma nova versão é lançada "
        "com correções e novas funcionalidades. A versão {version} do {product} "
        "está disponível e propomos atualizar o ambiente de vocês em {wished} "
        "({wished_weekday}), às 19h; o sistema ficará indisponível por cerca de "
        "30 minutos.",
    ),
}

_OUTREACH_CLOSING = "Por favor, confirmem a data ou sugiram outra."

_INFO_REQUESTS: Bank = {
    (Category.SUPPORT, Kind.COMPLAINT): (
        "Olá, {first}. Para analisarmos, pode nos enviar o número de um processo "
        "afetado e um print da mensagem de erro?",
        "Olá, {first}. Pode nos informar o navegador usado e o horário "
        "aproximado em que o problema aconteceu?",
    ),
    (Category.SUPPORT, Kind.REQUEST): (
        "Olá, {first}. Pode nos confirmar o nome completo e o setor da pessoa afetada?",
    ),
    (Category.SAC, Kind.REQUEST): (
        "Olá, {first}. Precisamos do nome completo e do e-mail institucional de "
        "quem vai receber o acesso.",
    ),
    (Category.SAC, None): (
        "Olá, {first}. Pode nos contar um pouco mais, com a data e o setor envolvidos?",
    ),
    (Category.PDC, None): (
        "Olá, {first}. Pode nos enviar um modelo do controle que o setor usa "
        "hoje, para o desenvolvimento estimar o ajuste?",
    ),
    (Category.UPDATE, None): (
        "Olá, {first}. A data pedida coincide com outra atualização; pode ser na "
        "semana seguinte, no mesmo dia?",
    ),
    (Category.DATA_COPY, None): (
        "Olá, {first}. Para enviar a cópia, precisamos da autorização da chefia "
        "do setor de {department}.",
    ),
}

_INFO_ADDED: Bank = {
    (Category.SUPPORT, Kind.COMPLAINT): (
        "Segue o número do processo: {process}. O erro aconteceu às {hour}, no "
        "Google Chrome.",
        "Foi às {hour}, no Firefox, com o processo {process}.",
    ),
    (Category.SUPPORT, Kind.REQUEST): ("É {person}, do setor de {department}.",),
    (Category.SAC, Kind.REQUEST): (
        "É {person}; o e-mail é o institucional, com o nome e o sobrenome.",
    ),
    (Category.SAC, None): ("Foi no setor de {department}, {when}.",),
    (Category.PDC, None): (
        "Segue o modelo: uma linha por processo, com o setor, o prazo e o responsável.",
    ),
    (Category.UPDATE, None): ("Pode ser sim. Avisaremos o setor de {department}.",),
    (Category.DATA_COPY, None): (
        "A chefia do setor de {department} autorizou o envio.",
    ),
}

_ANSWERS: Bank = {
    (Category.SUPPORT, None): (
        "Olá, {first}. Identificamos {cause} e aplicamos a correção no ambiente "
        "de vocês. Pedimos que testem novamente e, se estiver tudo certo, "
        "aceitem o atendimento.",
        "Olá, {first}. O problema foi causado por {cause}; já corrigimos. Se "
        "voltar a acontecer, abram uma nova interação com o print da tela.",
    ),
    (Category.SAC, Kind.COMPLIMENT): (
        "Olá, {first}. Agradecemos muito o elogio! Vamos repassá-lo a toda a equipe.",
    ),
    (Category.SAC, Kind.COMPLAINT): (
        "Olá, {first}. Pedimos desculpas pelo transtorno. Verificamos o "
        "ocorrido e reforçamos o acompanhamento dos seus chamados. Lembramos "
        "que, fora do horário comercial, o plantão atende pelo (13) 97413-0738.",
    ),
    (Category.SAC, None): (
        "Olá, {first}. Obrigado pela sugestão! Ela foi registrada e será "
        "avaliada pela equipe de produto para as próximas versões.",
    ),
    (Category.PDC, None): (
        "Olá, {first}. O ajuste foi analisado pelo desenvolvimento e estimamos a "
        "entrega em {count} dias úteis, dentro do PDC. Avisaremos quando estiver "
        "no ambiente de homologação.",
    ),
    (Category.UPDATE, None): (
        "Olá, {first}. A atualização para a versão {version} está confirmada "
        "para {wished}, às 19h. O sistema ficará indisponível por cerca de 30 "
        "minutos.",
    ),
    (Category.DATA_COPY, None): (
        "Olá, {first}. A cópia da base de dados está disponível para download "
        "por 7 dias. Lembramos que são enviados apenas os dados inseridos e "
        "gerados pela plataforma; a estrutura de código não é enviada.",
    ),
}

_REJECTIONS: Bank = {
    (Category.SUPPORT, None): (
        "O erro voltou a acontecer hoje pela manhã, com o mesmo processo.",
        "Testamos em outro computador e o problema continua.",
    ),
    (Category.SAC, None): (
        "A resposta não atende ao que pedimos; por favor, vejam a descrição de novo.",
        "O acesso foi liberado, mas sem a permissão do módulo {module}.",
    ),
    (Category.PDC, None): (
        "O relatório entregue não traz os processos arquivados.",
        "O prazo estimado é longo demais para nós; podemos conversar?",
    ),
    (Category.UPDATE, None): (
        "A data proposta não atende ao setor; precisamos de outra opção.",
    ),
    (Category.DATA_COPY, None): (
        "O arquivo da cópia veio incompleto; faltam os anexos dos processos.",
    ),
}

# What the organisation and the consultant say once the date is set: a
# meeting (SAC) or an update.
_OUTREACH_INFO_ADDED: Bank = {
    (Category.SAC, None): (
        "Confirmado. Participarão {count} pessoas do setor de {department}.",
        "Pode ser nessa data. Reservamos a sala do setor de {department}.",
    ),
    (Category.UPDATE, None): (
        "Pode ser sim. Avisaremos os usuários do setor de {department}.",
    ),
}

_OUTREACH_ANSWERS: Bank = {
    (Category.SAC, None): (
        "Data confirmada. Obrigado, até lá!",
        "Combinado. Enviaremos o material com antecedência.",
    ),
    (Category.UPDATE, None): (
        "Atualização confirmada para {wished}, às 19h. Obrigado!",
    ),
}

_NOTES = (
    "Cliente ligou cobrando retorno.",
    "Reproduzido no ambiente de homologação.",
    "Verificar se é o mesmo caso do processo {process}.",
    "Consultor já está ciente; aguardar o desenvolvimento.",
    "Combinar com a infraestrutura uma janela para o ajuste.",
)

_FORWARDS: dict[Category, tuple[tuple[str, str], ...]] = {
    Category.SUPPORT: (
        ("Suporte N2", "Caso mais complexo, encaminho ao segundo nível."),
        ("Infraestrutura", "Parece ser problema no servidor; peço verificar os logs."),
        ("Desenvolvimento", "Erro no código; segue para o desenvolvimento corrigir."),
    ),
    Category.SAC: (("Implantação", "Assunto de implantação; encaminho ao consultor."),),
    Category.PDC: (("Desenvolvimento", "Ajuste do PDC; segue para estimativa."),),
    Category.UPDATE: (
        ("Infraestrutura", "Atualização combinada; peço preparar o ambiente."),
    ),
    Category.DATA_COPY: (
        ("Infraestrutura", "Peço gerar a cópia da base de dados do cliente."),
    ),
}
"""Where staff forward each category, with the dispatch note."""


# -- how often things happen ----------------------------------------------------


class _Weights(Generic[T]):
    """Values with weights, to draw from quickly and many times."""

    def __init__(self, weights: dict[T, float]) -> None:
        self.values = tuple(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> T:
        """One value, each as likely as its share of the weights."""
        point = rng.random() * self.cumulative[-1]
        return self.values[bisect_right(self.cumulative, point)]


_CATEGORY_SHARES = {
    Category.SAC: 28,
    Category.SUPPORT: 40,
    Category.PDC: 12,
    Category.UPDATE: 12,
    Category.DATA_COPY: 8,
}
_CATEGORIES = _Weights(_CATEGORY_SHARES)
_CATEGORIES_WITHOUT_PDC = _Weights(
    {c: share for c, share in _CATEGORY_SHARES.items() if c is not Category.PDC}
)

_KINDS: dict[Category, _Weights[Kind]] = {
    Category.SAC: _Weights(
        {Kind.REQUEST: 35, Kind.COMPLAINT: 20, Kind.COMPLIMENT: 20, Kind.SUGGESTION: 25}
    ),
    Category.SUPPORT: _Weights({Kind.COMPLAINT: 60, Kind.REQUEST: 40}),
    Category.PDC: _Weights({Kind.REQUEST: 75, Kind.SUGGESTION: 25}),
    Category.UPDATE: _Weights({Kind.REQUEST: 1}),
    Category.DATA_COPY: _Weights({Kind.REQUEST: 1}),
}

# Status by the interaction's age: the newest are still in analysis, the
# oldest are mostly concluded; a few stay open for long, as in real life.
# None is left answered for over a week, as it would conclude by itself.
_STATUS_COLUMNS = (
    Status.ANALYSIS,
    Status.IN_PROGRESS,
    Status.AWAITING_CUSTOMER,
    Status.ANSWERED,
    Status.CONCLUDED,
    Status.CANCELLED,
)
_STATUS_BY_AGE: tuple[tuple[timedelta, _Weights[Status]], ...] = tuple(
    (younger_than, _Weights(dict(zip(_STATUS_COLUMNS, shares, strict=True))))
    for younger_than, shares in (
        (timedelta(hours=4), (55, 20, 5, 12, 5, 3)),
        (timedelta(days=2), (20, 25, 15, 25, 10, 5)),
        (timedelta(days=7), (8, 20, 15, 30, 22, 5)),
        (timedelta(days=30), (2, 8, 8, 0, 75, 7)),
        (timedelta.max, (0.5, 2, 2.5, 0, 88, 7)),
    )
)

_A = Action
# The moves that bring an interaction to each status, with their weights.
_MOVES: dict[Status, _Weights[tuple[Action, ...]]] = {
    Status.ANALYSIS: _Weights({(): 1}),
    Status.CANCELLED: _Weights({(_A.CANCEL,): 1}),
    Status.IN_PROGRESS: _Weights(
        {
            (_A.START,): 6,
            (_A.ASK, _A.ADD_INFO): 2,
            (_A.START, _A.ASK, _A.ADD_INFO): 2,
            (_A.START, _A.ANSWER, _A.REJECT): 2,
        }
    ),
    Status.AWAITING_CUSTOMER: _Weights(
        {
            (_A.ASK,): 3,
            (_A.START, _A.ASK): 4,
            (_A.START, _A.ANSWER, _A.REJECT, _A.ASK): 1,
        }
    ),
    Status.ANSWERED: _Weights(
        {
            (_A.START, _A.ANSWER): 8,
            (_A.ANSWER,): 3,
            (_A.START, _A.ASK, _A.ADD_INFO, _A.ANSWER): 3,
            (_A.START, _A.ANSWER, _A.REJECT, _A.ANSWER): 2,
        }
    ),
}
_CLOSING_MOVES = _Weights({(_A.ACCEPT,): 3, (_A.AUTO_CONCLUDE,): 1})
_TWICE_REJECTED_SHARE = 0.03
_TWICE_REJECTED = (
    _A.START,
    _A.ANSWER,
    _A.REJECT,
    _A.ANSWER,
    _A.REJECT,
    _A.ANSWER,
    _A.ACCEPT,
)
# Staff opening towards an organisation ask it something at once.
_OUTREACH_MOVES: dict[Status, tuple[Action, ...]] = {
    Status.ANALYSIS: (),
    Status.CANCELLED: (_A.CANCEL,),
    Status.IN_PROGRESS: (_A.ASK, _A.ADD_INFO),
    Status.AWAITING_CUSTOMER: (_A.ASK,),
    Status.ANSWERED: (_A.ASK, _A.ADD_INFO, _A.ANSWER),
    Status.CONCLUDED: (_A.ASK, _A.ADD_INFO, _A.ANSWER, _A.ACCEPT),
}

_CUSTOMER_ACTIONS = frozenset({_A.ADD_INFO, _A.ACCEPT, _A.REJECT})
_RESPONSES = frozenset({_A.ASK, _A.ANSWER})
_STAFF_ACTIONS = frozenset({_A.START, _A.ASK, _A.ANSWER})

_OUTREACH_SHARE = 0.07
_ON_BEHALF_SHARE = 0.08
_LATE_SHARE = 0.08
_ATTACHED_AT_OPENING = 0.12
_ATTACHED_TO_INFO = 0.25
_NOTE_SHARE = 0.18
_FORWARD_SHARE = 0.2
_TRIAGE_SHARE = 0.35
_CONSULTANT_SHARE = 0.5
_MIN_AGE = timedelta(minutes=3)


# -- the generator --------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    """What one interaction will be, decided before its timeline is drawn."""

    created_at: datetime
    customer: User
    direction: Direction
    category: Category
    kind: Kind
    status: Status


def generate_interactions(
    rng: random.Random,
    *,
    count: int,
    start_protocol: int,
    organisations: Sequence[Organisation],
    customers: Sequence[User],
    agents: Sequence[User],
    now: datetime,
    days: int = DEMO_DAYS,
    auto_conclude_days: int = 7,
    calendar: BusinessCalendar | None = None,
    real_files: bool = False,
    repository: AttachmentKeeper | None = None,
) -> Iterator[Interaction]:
    """Invent ``count`` interactions, oldest first, with consecutive protocols.

    The interactions spread over the ``days`` before ``now``, more of them
    recent than old; their status depends on their age. With enough of them
    (a few dozen) every status, every category and every kind appears; PDC
    only for organisations with the contract. Each timeline follows the
    workflow: its status changes replayed from Análise reach its status, and
    its first response is on time but for a few.

    Args:
        rng: the source of every random choice.
        count: how many interactions to yield.
        start_protocol: the first protocol; the others follow one by one.
        organisations: the organisations; PDC, products, stage history and
            consultant shape what their people write.
        customers: the customers who open interactions; each must belong to
            one of ``organisations``. Those created before an instant are
            the only ones writing at that instant, when there are any.
        agents: the staff who handle them (administrators may be included).
        now: an aware instant; nothing happens after it.
        days: how far back the interactions go.
        auto_conclude_days: the helpdesk's setting: an answer older than this
            would conclude by itself, so none is left answered for longer.
        calendar: marks critical interactions opened out of business hours.
        real_files: write each attachment as a small real file through
            ``repository``; otherwise attachments are records only, whose
            size and SHA-256 describe content that was never written.
        repository: keeps the files when ``real_files`` is set.

    Yields:
        The interactions, ready for ``TinyRepository.bulk_load``.

    Raises:
        ValueError: no customer or agent, a naive ``now``, or ``real_files``
            without a repository.
    """
    if not customers or not agents:
        raise ValueError("generate_interactions needs customers and agents")
    if now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
    keeper = repository if real_files else None
    if real_files and keeper is None:
        raise ValueError("real_files needs a repository to keep the files")

    writer = _Writer(
        rng,
        now=now.astimezone(SAO_PAULO),
        organisations=organisations,
        customers=customers,
        agents=agents,
        auto_conclude=timedelta(days=auto_conclude_days),
        calendar=calendar or BusinessCalendar(),
    )
    plans = writer.plan(count, timedelta(days=days))
    with contextlib.ExitStack() as stack:
        if keeper is not None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            writer.keep_files(folder, keeper)
        for offset, plan in enumerate(plans):
            yield writer.write(plan, start_protocol + offset)


class _Slots(dict[str, str]):
    """Template values drawn the first time a template asks for them.

    One set per interaction, so that its subject, description and answers
    speak of the same product, module and people. ``answer`` is the answer
    its topic calls for, if the category's usual answers would not fit.
    """

    def __init__(self, draw: Callable[[_Slots, str], str]) -> None:
        super().__init__()
        self._draw = draw
        self.answer = ""

    def __missing__(self, key: str) -> str:
        value = self[key] = self._draw(self, key)
        return value


class _Writer:
    """Plans interactions and writes each one's record and timeline."""

    def __init__(
        self,
        rng: random.Random,
        *,
        now: datetime,
        organisations: Sequence[Organisation],
        customers: Sequence[User],
        agents: Sequence[User],
        auto_conclude: timedelta,
        calendar: BusinessCalendar,
    ) -> None:
        self.rng = rng
        self.now = now
        self.organisations = {o.id: o for o in organisations}
        self.customers = sorted(customers, key=lambda user: user.created_at)
        self.customer_times = [user.created_at for user in self.customers]
        self.agents = list(agents)
        self.agents_by_id = {agent.id: agent for agent in agents}
        self.auto_conclude = auto_conclude
        self.calendar = calendar
        self.folder: Path | None = None
        self.repository: AttachmentKeeper | None = None

    def keep_files(self, folder: Path, repository: AttachmentKeeper) -> None:
        """Write attachments to ``folder`` and keep them in ``repository``."""
        self.folder = folder
        self.repository = repository

    # -- planning --------------------------------------------------------------

    def plan(self, count: int, span: timedelta) -> list[_Plan]:
        """Decide every interaction's date, author, category, kind and status."""
        ages = sorted(
            (self._age(span) for _index in range(count)),
            key=lambda age: -age.total_seconds(),
        )
        plans = [self._plan_one(self.now - age) for age in ages]
        self._cover_categories(plans)
        self._cover_kinds(plans)
        self._cover(plans, [p.status for p in plans], list(Status), "status")
        return plans

    def _age(self, span: timedelta) -> timedelta:
        # More recent interactions than old ones: the customers keep growing.
        for _attempt in range(3):
            age = max(span * self.rng.random() ** 1.6, _MIN_AGE)
            if _in_office_hours(self.now - age):
                return age
            if self.rng.random() < 0.2:
                return age
        return age

    def _plan_one(self, created_at: datetime) -> _Plan:
        rng = self.rng
        customer = self._customer_at(created_at)
        organisation = self.organisations[customer.organisation_id or 0]
        status = _status_weights(self.now - created_at).draw(rng)
        if _in_office_hours(created_at) and rng.random() < _OUTREACH_SHARE:
            stage = _stage_on(organisation, created_at.date())
            category = _OUTREACH[stage][0]
            return _Plan(
                created_at,
                customer,
                Direction.TO_CUSTOMER,
                category,
                Kind.REQUEST,
                status,
            )
        categories = _CATEGORIES if organisation.pdc else _CATEGORIES_WITHOUT_PDC
        category = categories.draw(rng)
        kind = _KINDS[category].draw(rng)
        return _Plan(created_at, customer, Direction.TO_VENDOR, category, kind, status)

    def _customer_at(self, instant: datetime) -> User:
        known = bisect_right(self.customer_times, instant)
        return self.rng.choice(self.customers[:known] or self.customers)

    def _cover_categories(self, plans: list[_Plan]) -> None:
        sent = [p for p in plans if p.direction is Direction.TO_VENDOR]
        for category in Category:
            if any(p.category is category for p in sent):
                continue
            fits = [p for p in sent if self._allows(p, category)]
            most = Counter(p.category for p in fits).most_common(1)
            if not most:
                continue
            plan = next(p for p in reversed(fits) if p.category is most[0][0])
            plan.category = category
            plan.kind = _KINDS[category].draw(self.rng)

    def _allows(self, plan: _Plan, category: Category) -> bool:
        organisation = self.organisations[plan.customer.organisation_id or 0]
        return category is not Category.PDC or organisation.pdc

    def _cover_kinds(self, plans: list[_Plan]) -> None:
        # SAC takes every kind; the other categories are left as they are.
        sac = [
            p
            for p in plans
            if p.direction is Direction.TO_VENDOR and p.category is Category.SAC
        ]
        sent = [p for p in plans if p.direction is Direction.TO_VENDOR]
        self._cover(sac, [p.kind for p in sent], list(Kind), "kind")

    @staticmethod
    def _cover(
        plans: list[_Plan], present: list[object], wanted: list[object], name: str
    ) -> None:
        """Give each missing value to one of ``plans`` whose value is common.

        ``present`` counts the values over all interactions, so that no
        value is taken from the only interaction that has it.
        """
        counts = Counter(present)
        for value in wanted:
            if counts[value]:
                continue
            spare = [p for p in reversed(plans) if counts[getattr(p, name)] > 1]
            if not spare:
                continue
            donor = max(spare, key=lambda p: counts[getattr(p, name)])
            counts[getattr(donor, name)] -= 1
            setattr(donor, name, value)
            counts[value] += 1

    # -- writing ---------------------------------------------------------------

    def write(self, plan: _Plan, protocol: int) -> Interaction:
        """The interaction ``plan`` describes, with its whole timeline."""
        rng = self.rng
        organisation = self.organisations[plan.customer.organisation_id or 0]
        outreach = plan.direction is Direction.TO_CUSTOMER
        author = self._staff_for(organisation) if outreach else plan.customer
        slots = self._slots(plan, organisation, author)
        severity, on_site, wished = None, False, None
        if plan.category is Category.SUPPORT:
            severity = Severity.CRITICAL if rng.random() < 0.35 else Severity.MEDIUM
            on_site = severity is Severity.CRITICAL and rng.random() < 0.25
        if plan.category is Category.UPDATE:
            wished = _wished_date(rng, plan)
        interaction = Interaction(
            protocol=protocol,
            created_at=plan.created_at,
            category=plan.category,
            kind=plan.kind,
            subject="",
            description="",
            author_id=author.id,
            organisation_id=organisation.id,
            direction=plan.direction,
            severity=severity,
            on_site=on_site,
            wished_date=wished,
        )
        interaction.out_of_hours = (
            severity is Severity.CRITICAL
            and not self.calendar.is_business_hours(plan.created_at)
        )
        if wished is not None:
            slots["wished"] = _date_words(wished)
            slots["wished_weekday"] = _WEEKDAYS[wished.weekday()]
        on_behalf = not outreach and rng.random() < (
            0.5 if interaction.out_of_hours else _ON_BEHALF_SHARE
        )
        self._describe(interaction, plan, organisation, slots, on_behalf)
        self._open(interaction, on_behalf, slots)
        self._handle(interaction, plan, organisation, slots)
        interaction.updated_at = interaction.timeline[-1].at
        return interaction

    def _staff_for(self, organisation: Organisation) -> User:
        consultant = self.agents_by_id.get(organisation.consultant_id or 0)
        if consultant is not None and self.rng.random() < _CONSULTANT_SHARE:
            return consultant
        return self.rng.choice(self.agents)

    def _slots(self, plan: _Plan, organisation: Organisation, author: User) -> _Slots:
        rng = self.rng
        products = [p.code for p in organisation.products] or list(_PRODUCTS)
        agent = author if author.role.is_staff else None

        def draw(slots: _Slots, key: str) -> str:
            if key in _SIMPLE_SLOTS:
                return rng.choice(_SIMPLE_SLOTS[key])
            if key == "product":
                return rng.choice(products)
            if key == "module":
                return rng.choice(_MODULES.get(slots["product"], _MODULES["GPE"]))
            if key == "person":
                return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"
            if key == "process":
                return f"{rng.randint(120, 9800)}/{plan.created_at.year}"
            if key == "count":
                return str(rng.randint(3, 40))
            if key == "first":
                return plan.customer.name.split()[0]
            if key == "agent_first":
                return (agent or rng.choice(self.agents)).name.split()[0]
            if key == "phone":
                return plan.customer.phone or "(13) 3568-7961"
            if key == "organisation":
                return organisation.name
            if key == "version":
                return _version_on(plan.created_at.date())
            if key == "month":
                return _MONTHS[(plan.created_at.month - 2) % 12]
            if key == "meeting":
                return _date_words(plan.created_at.date() + _days(rng, 3, 12))
            raise KeyError(key)

        return _Slots(draw)

    def _describe(
        self,
        interaction: Interaction,
        plan: _Plan,
        organisation: Organisation,
        slots: _Slots,
        on_behalf: bool,
    ) -> None:
        """Write the subject and description, and the topic's own answer."""
        rng = self.rng
        if plan.direction is Direction.TO_CUSTOMER:
            stage = _stage_on(organisation, plan.created_at.date())
            _category, subject, opening = _OUTREACH[stage]
            interaction.subject = subject.format_map(slots)
            interaction.description = " ".join(
                (opening.format_map(slots), _OUTREACH_CLOSING)
            )
            return
        topic = rng.choice(_TOPICS[plan.category, plan.kind])
        parts = [topic.opening, rng.choice(_texts(_MIDDLES, interaction))]
        if interaction.severity is not None:
            parts.append(rng.choice(_IMPACTS[interaction.severity]))
        parts.append(rng.choice(_texts(_CLOSINGS, interaction)))
        text = " ".join(part.format_map(slots) for part in parts)
        if on_behalf:
            text = _ON_BEHALF[interaction.out_of_hours].format_map(slots) + text
        interaction.subject = topic.subject.format_map(slots)
        interaction.description = text
        slots.answer = topic.answer

    def _open(self, interaction: Interaction, on_behalf: bool, slots: _Slots) -> None:
        at = interaction.created_at
        if not on_behalf:
            interaction.timeline.append(
                Event(EventKind.CREATED, at, interaction.author_id)
            )
        else:
            clerk = self.rng.choice(self.agents)
            interaction.timeline.append(Event(EventKind.CREATED, at, clerk.id))
            interaction.timeline.append(
                Event(
                    EventKind.RECORDED_ON_BEHALF,
                    at,
                    clerk.id,
                    data={"customer_id": interaction.author_id},
                )
            )
        if _wants_file(interaction) and self.rng.random() < _ATTACHED_AT_OPENING:
            actor = interaction.timeline[-1].actor_id or interaction.author_id
            self._attach(interaction, actor, at, slots)

    # -- the timeline ------------------------------------------------------------

    def _handle(
        self,
        interaction: Interaction,
        plan: _Plan,
        organisation: Organisation,
        slots: _Slots,
    ) -> None:
        """Take the interaction through its moves, with notes and forwards."""
        rng = self.rng
        outreach = plan.direction is Direction.TO_CUSTOMER
        moves = self._moves(plan, outreach)
        times = self._schedule(interaction, plan, moves, outreach)
        handler = (
            self.agents_by_id[interaction.author_id]
            if outreach
            else self._staff_for(organisation)
        )
        if not outreach and _A.CANCEL not in moves and rng.random() < _TRIAGE_SHARE:
            first = times[0] if times else self.now
            at = _daytime_between(rng, plan.created_at, first)
            self._assign(interaction, handler, at)
        note_at = rng.randrange(len(moves) + 1) if rng.random() < _NOTE_SHARE else -1
        forward_at = -1
        if len(moves) > 2 and not outreach and rng.random() < _FORWARD_SHARE:
            forward_at = rng.randrange(1, len(moves))

        previous = interaction.timeline[-1].at
        for index, (action, at) in enumerate(zip(moves, times, strict=True)):
            if index == note_at:
                previous = _daytime_between(rng, previous, at)
                self._note(interaction, handler, previous, slots)
            if index == forward_at:
                forwarded = _daytime_between(rng, previous, at)
                handler = self._forward(interaction, handler, forwarded)
            actor = self._actor(interaction, action, plan, handler)
            self._act(interaction, action, actor, at, slots)
            previous = at
        if note_at == len(moves) and interaction.status.is_open:
            note = _daytime_between(rng, previous, self.now)
            self._note(interaction, handler, note, slots)

    def _moves(self, plan: _Plan, outreach: bool) -> tuple[Action, ...]:
        """The workflow actions that bring the interaction to its status."""
        rng = self.rng
        if outreach:
            return _OUTREACH_MOVES[plan.status]
        if plan.status is not Status.CONCLUDED:
            return _MOVES[plan.status].draw(rng)
        if rng.random() < _TWICE_REJECTED_SHARE:
            return _TWICE_REJECTED
        closing = _CLOSING_MOVES.draw(rng)
        if self.now - plan.created_at < self.auto_conclude * 2:
            closing = (_A.ACCEPT,)
        return _MOVES[Status.ANSWERED].draw(rng) + closing

    def _schedule(
        self,
        interaction: Interaction,
        plan: _Plan,
        moves: tuple[Action, ...],
        outreach: bool,
    ) -> list[datetime]:
        """When each move happens: the first answer within the budget but for a
        few, the clock stopped while the customer is asked, all before now."""
        rng = self.rng
        created = plan.created_at
        policy = policy_for(
            interaction.category, interaction.severity, interaction.on_site
        )
        # Calendar time that surely fits the budget; five business days are
        # never shorter than two calendar days.
        reach = timedelta(days=2) if policy.business_days else policy.budget
        target = self._answer_within(reach, outreach)
        # Days-long budgets leave room to wait for office hours; hours-long
        # ones are met by whoever is on call.
        daytime = reach >= timedelta(days=2) and not outreach
        times: list[datetime] = []
        cursor, spent, answered, waiting = created, timedelta(), False, False
        for action in moves:
            if action is _A.AUTO_CONCLUDE:
                at = cursor + self.auto_conclude + _minutes(rng, 5, 24 * 60)
            elif action is _A.CANCEL or action in _CUSTOMER_ACTIONS:
                at = _office_hours(cursor + _minutes(rng, 20, 3 * 24 * 60), rng)
            elif answered:
                at = _office_hours(cursor + _minutes(rng, 10, 26 * 60), rng)
            else:
                share = 1.0 if action is _A.ANSWER else rng.uniform(0.05, 0.4)
                at = cursor + max((target - spent) * share, _minutes(rng, 2, 20))
                if daytime:
                    at = _office_hours(at, rng)
            if not waiting:
                spent += at - cursor
            answered = answered or action is _A.ANSWER
            waiting = action is _A.ASK
            times.append(at)
            cursor = at
        return self._fit(times, created, moves)

    def _answer_within(self, reach: timedelta, outreach: bool) -> timedelta:
        """Running time until the first answer: in budget, or late for a few."""
        rng = self.rng
        if outreach:
            return _minutes(rng, 10, 60)
        if rng.random() < _LATE_SHARE:
            return reach * rng.uniform(1.3, 5)
        if reach >= timedelta(days=2):
            # Leaves room for the move to the next office hours.
            return reach * rng.uniform(0.1, 0.6)
        return reach * rng.uniform(0.3, 0.9)

    def _fit(
        self, times: list[datetime], created: datetime, moves: tuple[Action, ...]
    ) -> list[datetime]:
        """Bring the moves before now, keeping automatic conclusions in time."""
        if not times:
            return times
        limit = self.now - timedelta(minutes=1)
        if moves[-1] is _A.AUTO_CONCLUDE and times[-1] > limit:
            # The answer must be old enough for the helpdesk to conclude it.
            answered_by = limit - self.auto_conclude - timedelta(hours=1)
            times = _squeeze(times[:-1], created, answered_by)
            return [*times, _between(self.rng, times[-1] + self.auto_conclude, limit)]
        times = _squeeze(times, created, limit)
        # An answer left unaccepted for the helpdesk's limit concludes by
        # itself at the next login: keep the demo's answers fresh enough.
        fresh = self.now - self.auto_conclude + timedelta(hours=6)
        if moves[-1] is _A.ANSWER and times[-1] < fresh:
            earliest = max(fresh, times[-2] if len(times) > 1 else created)
            times[-1] = _between(self.rng, earliest, limit)
        return times

    def _actor(
        self, interaction: Interaction, action: Action, plan: _Plan, handler: User
    ) -> int | None:
        if action is _A.AUTO_CONCLUDE:
            return None
        if action is _A.CANCEL:
            return interaction.author_id
        if action in _CUSTOMER_ACTIONS:
            return plan.customer.id
        return handler.id

    def _act(
        self,
        interaction: Interaction,
        action: Action,
        actor: int | None,
        at: datetime,
        slots: _Slots,
    ) -> None:
        """Take ``action`` as the helpdesk would, events in its order."""
        rng = self.rng
        outreach = interaction.direction is Direction.TO_CUSTOMER
        _walk(interaction, action, actor, at)
        staff_move = action in _RESPONSES or action is _A.START
        if staff_move and interaction.assignee_id is None:
            interaction.assignee_id = actor

        if action is _A.ASK:
            asked = (_OUTREACH_CLOSING,) if outreach else None
            texts = asked or _texts(_INFO_REQUESTS, interaction)
            self._respond(
                interaction, EventKind.INFO_REQUESTED, actor, at, texts, slots
            )
        elif action is _A.ANSWER:
            answers = (slots.answer,) if slots.answer else None
            bank = _OUTREACH_ANSWERS if outreach else _ANSWERS
            texts = answers or _texts(bank, interaction)
            self._respond(interaction, EventKind.ANSWERED, actor, at, texts, slots)
        elif action is _A.ADD_INFO:
            bank = _OUTREACH_INFO_ADDED if outreach else _INFO_ADDED
            text = rng.choice(_texts(bank, interaction))
            interaction.timeline.append(
                Event(EventKind.INFO_ADDED, at, actor, text=text.format_map(slots))
            )
            wants_file = _wants_file(interaction) and actor is not None
            if wants_file and rng.random() < _ATTACHED_TO_INFO:
                self._attach(interaction, actor, at, slots)
        elif action is _A.ACCEPT:
            interaction.timeline.append(Event(EventKind.ACCEPTED, at, actor))
        elif action is _A.REJECT:
            interaction.rejection_count += 1
            reason = rng.choice(_texts(_REJECTIONS, interaction))
            interaction.timeline.append(
                Event(
                    EventKind.REJECTED,
                    at,
                    actor,
                    text=reason.format_map(slots),
                    data={"count": interaction.rejection_count},
                )
            )
        elif action is _A.CANCEL:
            interaction.timeline.append(Event(EventKind.CANCELLED, at, actor))

    def _respond(
        self,
        interaction: Interaction,
        kind: EventKind,
        actor: int | None,
        at: datetime,
        texts: tuple[str, ...],
        slots: _Slots,
    ) -> None:
        text = self.rng.choice(texts).format_map(slots)
        interaction.timeline.append(Event(kind, at, actor, text=text))
        # Asking pauses the deadline's clock; only an answer is a response.
        answered = kind is EventKind.ANSWERED
        if answered and interaction.first_response_at is None:
            interaction.first_response_at = at

    def _assign(self, interaction: Interaction, assignee: User, at: datetime) -> None:
        triage = self.rng.choice(self.agents)
        interaction.assignee_id = assignee.id
        interaction.timeline.append(
            Event(
                EventKind.ASSIGNED,
                at,
                triage.id,
                text=assignee.name,
                internal=True,
                data={"assignee_id": assignee.id},
            )
        )

    def _note(
        self, interaction: Interaction, author: User, at: datetime, slots: _Slots
    ) -> None:
        text = self.rng.choice(_NOTES).format_map(slots)
        interaction.timeline.append(
            Event(EventKind.NOTE, at, author.id, text=text, internal=True)
        )

    def _forward(self, interaction: Interaction, sender: User, at: datetime) -> User:
        """Forward to a team, and to another agent when there is one."""
        rng = self.rng
        team, note = rng.choice(_FORWARDS[interaction.category])
        others = [agent for agent in self.agents if agent.id != sender.id]
        target = rng.choice(others) if others else None
        interaction.timeline.append(
            Event(
                EventKind.FORWARDED,
                at,
                sender.id,
                text=note,
                internal=True,
                data={
                    "from_user": interaction.assignee_id,
                    "from_team": interaction.team,
                    "to_user": None if target is None else target.id,
                    "to_team": team,
                },
            )
        )
        interaction.team = team
        if target is None:
            return sender
        interaction.assignee_id = target.id
        return target

    def _attach(
        self, interaction: Interaction, actor: int, at: datetime, slots: _Slots
    ) -> None:
        name, content = _attachment_content(self.rng, interaction, slots)
        token = self.rng.getrandbits(128)
        if self.folder is not None and self.repository is not None:
            source = self.folder / f"{token:032x}"
            source.write_bytes(content)
            attachment = self.repository.save_attachment(
                source, name=name, added_by=actor, at=at
            )
            source.unlink()
        else:
            attachment = Attachment(
                id=f"{token:032x}",
                name=name,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                added_at=at,
                added_by=actor,
            )
        interaction.attachments.append(attachment)
        interaction.timeline.append(
            Event(
                EventKind.ATTACHMENT_ADDED,
                at,
                actor,
                text=attachment.name,
                data={"attachment_id": attachment.id},
            )
        )


def _walk(
    interaction: Interaction, action: Action, actor: int | None, at: datetime
) -> None:
    """Walk the workflow's path for ``action`` as the helpdesk records it.

    One status change a step; the helpdesk's own moves (``actor`` ``None``)
    are marked automatic, and reaching Respondida stamps ``answered_at``.
    """
    for status in path(interaction.status, action):
        data: dict[str, object] = {"from": interaction.status.value, "to": status.value}
        if actor is None:
            data["automatic"] = True
        interaction.timeline.append(
            Event(EventKind.STATUS_CHANGED, at, actor, data=data)
        )
        interaction.status = status
        if status is Status.ANSWERED:
            interaction.answered_at = at


def _wants_file(interaction: Interaction) -> bool:
    """Whether customers attach files to such interactions: prints, sheets."""
    if interaction.direction is Direction.TO_CUSTOMER:
        return False
    if interaction.category in (Category.SUPPORT, Category.PDC):
        return True
    return (interaction.category, interaction.kind) == (Category.SAC, Kind.REQUEST)


def _texts(bank: Bank, interaction: Interaction) -> tuple[str, ...]:
    """The texts of ``bank`` for the interaction's category and kind."""
    exact = bank.get((interaction.category, interaction.kind))
    return exact or bank[interaction.category, None]


def _attachment_content(
    rng: random.Random, interaction: Interaction, slots: _Slots
) -> tuple[str, bytes]:
    """A small file of the kind customers attach: a print, a log, a sheet."""
    day = interaction.created_at.strftime("%Y-%m-%d")
    choice = rng.randrange(2) if interaction.category is Category.SUPPORT else 2
    if choice == 0:
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        return f"print-da-tela-{day}.png", _png(64, 40, colour)
    if choice == 1:
        lines = [
            f"{day} {slots['hour'].replace('h', ':')}:{second:02d} ERRO "
            f"{slots['module']}: {slots['error']}"
            for second in sorted(rng.sample(range(60), 5))
        ]
        return f"log-{day}.txt", ("\n".join(lines) + "\n").encode()
    rows = ["nome;setor;processo"] + [
        f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)};{slots['department']};"
        f"{rng.randint(120, 9800)}/{interaction.created_at.year}"
        for _row in range(rng.randint(3, 12))
    ]
    return f"planilha-{day}.csv", ("\n".join(rows) + "\n").encode()


def _png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A valid PNG of one colour, so that a viewer opens the demo's prints."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(colour) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(row * height)),
            chunk(b"IEND", b""),
        )
    )


# -- small helpers ----------------------------------------------------------------


def _squeeze(times: list[datetime], start: datetime, limit: datetime) -> list[datetime]:
    """Scale ``times`` towards ``start`` so that none is after ``limit``."""
    if times[-1] <= limit:
        return times
    factor = (limit - start) / (times[-1] - start)
    return [start + (at - start) * factor for at in times]


def _status_weights(age: timedelta) -> _Weights[Status]:
    for younger_than, weights in _STATUS_BY_AGE:
        if age < younger_than:
            return weights
    return _STATUS_BY_AGE[-1][1]


def _minutes(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """An instant strictly inside ``start``..``end`` (their middle if too close)."""
    if end <= start:
        return start
    return start + (end - start) * rng.uniform(0.2, 0.8)


def _in_office_hours(at: datetime) -> bool:
    """Monday to Friday, 8h to 18h in São Paulo; holidays are not looked up."""
    local = at.astimezone(SAO_PAULO)
    return local.weekday() < 5 and 8 <= local.hour < 18


def _daytime_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """An instant between ``start`` and ``end``, in office hours if there are any."""
    at = _between(rng, start, end)
    moved = _office_hours(at, rng)
    return moved if moved < end else at


def _office_hours(at: datetime, rng: random.Random) -> datetime:
    """Move something done at night or at the weekend to the next morning."""
    if _in_office_hours(at):
        return at
    local = at.astimezone(SAO_PAULO)
    day = local.date() + timedelta(days=1 if local.hour >= 18 else 0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    morning = datetime.combine(day, time(8), SAO_PAULO)
    return morning + _minutes(rng, 0, 150)


def _wished_date(rng: random.Random, plan: _Plan) -> date:
    """A Monday to Wednesday at least a week after the request."""
    day = plan.created_at.date() + timedelta(days=7 + rng.randrange(0, 15))
    while day.weekday() > 2:
        day += timedelta(days=1)
    return day


def _date_words(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _version_on(day: date) -> str:
    # One BS Studio version a week, as the guide says.
    return f"2.4.{47 + (day - date(2025, 1, 6)).days // 7}.0"


def _stage_on(organisation: Organisation, day: date) -> Stage:
    stage = Stage.SURVEY
    for change in organisation.stage_history:
        if change.started_on <= day:
            stage = change.stage
    return stage


# -- populate -----------------------------------------------------------------------


@contextlib.contextmanager
def _clock_at(helpdesk: Helpdesk, instant: datetime) -> Iterator[None]:
    """Make the helpdesk stamp records with ``instant``, as if it were then.

    Accounts and organisations go through the helpdesk's own rules, which
    stamp them with the clock: turned back, the demo's people exist before
    the interactions they write.
    """
    previous = helpdesk.clock
    helpdesk.clock = lambda: instant
    try:
        yield
    finally:
        helpdesk.clock = previous


@contextlib.contextmanager
def _one_hash_per_password() -> Iterator[None]:
    """Hash each password once while the demo's accounts are created.

    Argon2 takes about 0.2 s a hash on a two-core machine, so twelve
    accounts would take most of the demo's time. They all have the public
    ``DEMO_PASSWORD``, so sharing one hash (and its salt) gives nothing away.
    ``Helpdesk.add_user`` cannot be handed a hash, so the hashing function
    is wrapped for the duration instead; another thread hashing another
    password meanwhile still gets a hash of its own.
    """
    original = passwords.hash_password
    passwords.hash_password = functools.cache(original)
    try:
        yield
    finally:
        passwords.hash_password = original


def populate(
    helpdesk: Helpdesk,
    *,
    interactions: int = 300,
    seed: int = 7,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill an empty helpdesk with Backsite's demo customers and their history.

    Creates six organisations with their products, PDC, consultant and
    dated implementation stages, Backsite's staff and the organisations'
    people (twelve accounts, all with ``DEMO_PASSWORD``), ``interactions``
    interactions from ``generate_interactions`` with real attachment files,
    and a few notifications for the accounts of ``DEMO_ACCOUNTS``.

    Args:
        helpdesk: the local store to fill; it must hold nothing yet.
        interactions: how many interactions to invent.
        seed: the seed of every random choice.
        now: the instant the demo ends at; the helpdesk's clock by default.
            Answers stay fresh for the helpdesk's own clock only if both agree.

    Returns:
        What was created.

    Raises:
        ValueError: the store is not empty; callers check first, as the
            demo is meant for a throwaway data directory.
    """
    repository = helpdesk.repository
    if repository.users() or repository.organisations() or repository.rows():
        raise ValueError(
            f"demo data needs an empty data directory, not {helpdesk.root}"
        )
    now = (now or helpdesk.clock()).astimezone(SAO_PAULO)
    rng = random.Random(seed)

    with _one_hash_per_password():
        staff = _create_staff(helpdesk, now)
        admin = staff[0]
        organisations = _create_organisations(helpdesk, admin, staff, now)
        customers = _create_customers(helpdesk, admin, organisations, now)

    start = repository.peek_id("protocol", helpdesk.config.first_protocol)
    created = list(
        generate_interactions(
            rng,
            count=interactions,
            start_protocol=start,
            organisations=list(organisations.values()),
            customers=customers,
            agents=staff,
            now=now,
            auto_conclude_days=helpdesk.config.auto_conclude_days,
            calendar=helpdesk.calendar,
            real_files=True,
            repository=repository,
        )
    )
    repository.bulk_load(created)
    notifications = _notify(helpdesk, created, staff + customers, now)

    summary = DemoSummary(
        statuses=dict(Counter(i.status for i in created)),
        organisations=len(organisations),
        users=len(staff) + len(customers),
        interactions=len(created),
        attachments=sum(len(i.attachments) for i in created),
        notifications=notifications,
    )
    log.info(
        "demo data loaded: %s organisations, %s users, %s interactions",
        summary.organisations,
        summary.users,
        summary.interactions,
    )
    return summary


def _create_staff(helpdesk: Helpdesk, now: datetime) -> list[User]:
    """Backsite's team, the administrator first; one agent may back up."""
    staff: list[User] = []
    for index, person in enumerate(_STAFF):
        with _clock_at(helpdesk, _morning(now - timedelta(days=500 - 10 * index))):
            user = helpdesk.add_user(
                staff[0] if staff else None,
                name=person.name,
                email=f"{person.local}@{_BACKSITE}",
                role=person.role,
                password=DEMO_PASSWORD,
                phone=person.phone,
                gender=person.gender,
            )
            if person.backup:
                user = helpdesk.grant(staff[0], user.id, Permission.BACKUP)
        staff.append(user)
    return staff


def _create_organisations(
    helpdesk: Helpdesk, admin: User, staff: list[User], now: datetime
) -> dict[str, Organisation]:
    """The customers' organisations, each moved through its stages in time."""
    by_local = {user.email.split("@")[0]: user for user in staff}
    organisations: dict[str, Organisation] = {}
    for plan in _ORGANISATIONS:
        signed = _morning(now - timedelta(days=plan.created_days_ago))
        with _clock_at(helpdesk, signed):
            organisation = helpdesk.create_organisation(
                admin,
                name=plan.name,
                products=[Product(code, _PRODUCTS[code]) for code in plan.products],
                pdc=plan.pdc,
                domains=[plan.domain],
            )
            organisation = helpdesk.update_organisation(
                admin, organisation.id, consultant_id=by_local[plan.consultant].id
            )
        later = (Stage.TRAINING, Stage.ASSISTED_OPERATION, Stage.MAINTENANCE)
        for stage, offset in zip(later, plan.stage_days, strict=False):
            started = _morning(signed + timedelta(days=offset))
            with _clock_at(helpdesk, started):
                organisation = helpdesk.set_stage(
                    admin, organisation.id, stage, started.date(), _STAGE_NOTES[stage]
                )
        organisations[plan.key] = organisation
    return organisations


def _create_customers(
    helpdesk: Helpdesk,
    admin: User,
    organisations: dict[str, Organisation],
    now: datetime,
) -> list[User]:
    """The organisations' people, who joined some days after it signed."""
    signed = {p.key: p.created_days_ago for p in _ORGANISATIONS}
    domains = {p.key: p.domain for p in _ORGANISATIONS}
    customers = []
    for person in _CUSTOMERS:
        days_ago = signed[person.organisation] - person.days_after_organisation
        with _clock_at(helpdesk, _morning(now - timedelta(days=days_ago))):
            customers.append(
                helpdesk.add_user(
                    admin,
                    name=person.name,
                    email=f"{person.local}@{domains[person.organisation]}",
                    role=Role.CUSTOMER,
                    password=DEMO_PASSWORD,
                    organisation_id=organisations[person.organisation].id,
                    phone=person.phone,
                    gender=person.gender,
                )
            )
    return customers


def _morning(instant: datetime) -> datetime:
    """Half past nine of that day, or of the Monday after a weekend."""
    day = instant.astimezone(SAO_PAULO).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 30), SAO_PAULO)


@dataclass
class _Message:
    """A notification to leave, before it has its number."""

    user_id: int
    protocol: int
    message: str
    at: datetime
    values: dict[str, object] = field(default_factory=dict)


def _notify(
    helpdesk: Helpdesk,
    interactions: list[Interaction],
    users: list[User],
    now: datetime,
) -> int:
    """Leave the demo accounts the notifications their recent history sent.

    The newest are unread; those older than two days were read.
    """
    demo = {email for _label, email in DEMO_ACCOUNTS}
    people = [user for user in users if user.email in demo]
    messages: list[_Message] = []
    for user in people:
        messages.extend(_messages_for(user, interactions))
    messages.sort(key=lambda message: message.at)
    repository = helpdesk.repository
    with repository.transaction():
        for message in messages:
            repository.add_notification(
                Notification(
                    id=repository.next_id("notification"),
                    user_id=message.user_id,
                    protocol=message.protocol,
                    message=message.message,
                    at=message.at,
                    values={"protocol": message.protocol, **message.values},
                    read=now - message.at > timedelta(days=2),
                )
            )
    return len(messages)


def _messages_for(user: User, interactions: list[Interaction]) -> list[_Message]:
    """The notifications ``user`` got from their most recent interactions."""
    found: list[_Message] = []
    for interaction in reversed(interactions):
        if len(found) >= 6:
            break
        if user.role.is_staff:
            found.extend(_staff_messages(user, interaction))
        elif interaction.organisation_id == user.organisation_id:
            found.extend(_customer_messages(user, interaction))
    return found


def _customer_messages(user: User, interaction: Interaction) -> list[_Message]:
    protocol = interaction.protocol
    if interaction.direction is Direction.TO_CUSTOMER:
        return [
            _Message(
                user.id,
                protocol,
                N_("New interaction {protocol} received: {subject}"),
                interaction.created_at,
                {"subject": interaction.subject},
            )
        ]
    if interaction.author_id != user.id:
        return []
    messages = {
        EventKind.ANSWERED: N_("Interaction {protocol} was answered."),
        EventKind.INFO_REQUESTED: N_(
            "The support team asked for information on {protocol}."
        ),
    }
    last = next(
        (event for event in reversed(interaction.timeline) if event.kind in messages),
        None,
    )
    if last is None:
        return []
    return [_Message(user.id, protocol, messages[last.kind], last.at)]


def _staff_messages(user: User, interaction: Interaction) -> list[_Message]:
    protocol = interaction.protocol
    found = []
    for event in interaction.timeline:
        assigned = event.kind is EventKind.ASSIGNED and event.actor_id != user.id
        if assigned and event.data["assignee_id"] == user.id:
            message = N_("Interaction {protocol} was assigned to you.")
            found.append(_Message(user.id, protocol, message, event.at))
        elif event.kind is EventKind.REJECTED and interaction.assignee_id == user.id:
            message = N_("The customer rejected the handling of {protocol}.")
            found.append(_Message(user.id, protocol, message, event.at))
    return found
